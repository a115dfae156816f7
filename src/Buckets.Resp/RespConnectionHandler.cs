using System.IO.Pipelines;
using Buckets.Resp.Protocol;
using Microsoft.AspNetCore.Connections;

namespace Buckets.Resp;

/// <summary>
/// One RESP connection on System.IO.Pipelines: reads what has arrived, parses every whole command in
/// it (at most <see cref="RespOptions.MaxPendingReplies"/>), runs them in order (consecutive key
/// commands as one grain call), writes their replies and flushes once. A client that stops reading
/// replies stalls the flush; after <see cref="RespOptions.ReplyTimeout"/> the connection is closed.
/// </summary>
public sealed class RespConnectionHandler(RespServer server) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var id = server.NextConnectionId();
        var output = connection.Transport.Output;
        if (!server.TryOpen())
        {
            RespLog.TooManyConnections(server.Logger, id, server.Options.MaxConnections);
            RespWriter.Error(output, "ERR max number of clients reached");
            await output.FlushAsync();
            return;
        }

        try
        {
            await ServeAsync(connection, id);
        }
        catch (Exception e) when (e is ConnectionResetException or OperationCanceledException or IOException)
        {
            // The client went away: nothing to answer.
        }
        catch (TimeoutException)
        {
            RespLog.ReplyTimeout(server.Logger, id, server.Options.ReplyTimeout);
            connection.Abort();
        }
        finally
        {
            server.Close();
        }
    }

    private async Task ServeAsync(ConnectionContext connection, long id)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var remote = connection.RemoteEndPoint as System.Net.IPEndPoint;
        using var session = new RespSession(server, id, remote) { Output = output, Abort = connection.Abort };
        await ServeSessionAsync(connection, session, input, output, id, remote);
    }

    private async Task ServeSessionAsync(ConnectionContext connection, RespSession session, PipeReader input, PipeWriter output, long id, System.Net.IPEndPoint? remote)
    {
        var parser = new RespParser(server.ParserLimits);
        var commands = new List<byte[][]>();
        var max = server.Options.MaxPendingReplies;
        while (!session.Closing)
        {
            var result = await input.ReadAsync(connection.ConnectionClosed);
            var buffer = result.Buffer;
            RespProtocolException? malformed = null;
            try
            {
                while (commands.Count < max && parser.TryRead(ref buffer, out var command))
                {
                    commands.Add(command);
                }
            }
            catch (RespProtocolException e)
            {
                malformed = e;
            }

            // Stopped at the bound with whole commands still buffered: mark nothing examined beyond
            // what was taken, so the next read returns at once instead of waiting for new bytes.
            if (commands.Count >= max)
            {
                input.AdvanceTo(buffer.Start);
            }
            else
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            await session.OutputLock.WaitAsync(connection.ConnectionClosed);
            try
            {
                if (commands.Count > 0)
                {
                    await session.RunAsync(commands, output);
                    commands.Clear();
                }

                if (malformed is not null)
                {
                    RespLog.ProtocolError(server.Logger, id, remote?.ToString(), malformed.Message);
                    RespWriter.Error(output, "ERR Protocol error: " + malformed.Message);
                    await FlushAsync(output);
                    break;
                }

                await FlushAsync(output);
            }
            finally
            {
                session.OutputLock.Release();
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
    }

    private async ValueTask FlushAsync(PipeWriter output)
    {
        var flush = output.FlushAsync();
        if (flush.IsCompletedSuccessfully)
        {
            return;
        }

        // The client is not reading: wait at most the reply timeout (TimeoutException closes the connection).
        await flush.AsTask().WaitAsync(server.Options.ReplyTimeout, server.Time);
    }
}
