using System.Buffers;
using System.Text;
using Buckets.Abstractions.Commands;
using Buckets.Resp.Commands;
using Buckets.Resp.Protocol;

namespace Buckets.Resp;

/// <summary>
/// MULTI/EXEC/DISCARD and WATCH/UNWATCH. EXEC sends the queue to the bucket as one grain call, so
/// nothing else runs between its commands; WATCH notes each key's version, and the bucket runs
/// nothing (EXEC answers null) when one changed. As in Redis a command that fails inside EXEC
/// answers its error while the others apply; a command refused while queuing aborts the EXEC.
/// </summary>
internal sealed partial class RespSession
{
    private List<KeyCommandTranslation>? _multi;
    private bool _multiAborted;
    private List<WatchedKey>? _watched;

    private void Multi(byte[][] args, IBufferWriter<byte> output)
    {
        if (args.Length != 1)
        {
            WrongArity(output, "multi");
        }
        else if (_multi is not null)
        {
            RespWriter.Error(output, "ERR MULTI calls can not be nested");
        }
        else
        {
            _multi = [];
            _multiAborted = false;
            RespWriter.Ok(output);
        }
    }

    private void Queue(string name, byte[][] args, IBufferWriter<byte> output)
    {
        KeyCommandTranslation translation;
        if (KeyCommands.TryTranslate(name, args, server.Options, out var keyCommand))
        {
            translation = keyCommand;
        }
        else if (name == "PING" && args.Length <= 2)
        {
            translation = new(null, args.Length == 1 ? new KeyReply(KeyReplyKind.Status, Bytes: "PONG"u8.ToArray()) : KeyReply.Of(args[1]));
        }
        else if (name == "ECHO" && args.Length == 2)
        {
            translation = new(null, KeyReply.Of(args[1]));
        }
        else
        {
            _multiAborted = true;
            RespWriter.Error(output, IsConnectionCommand(name)
                ? $"ERR Command {name.ToLowerInvariant()} is not allowed inside MULTI by Buckets"
                : UnknownCommand(args));
            return;
        }

        if (translation.Command is null && translation.Immediate?.Kind == KeyReplyKind.Error)
        {
            _multiAborted = true;
            RespWriter.Reply(output, translation.Immediate, _protocol);
            return;
        }

        if (_multi!.Count >= server.MaxRun)
        {
            _multiAborted = true;
            RespWriter.Error(output, $"ERR a transaction holds at most {server.MaxRun} commands (Buckets:Resp:MaxPendingReplies, Buckets:Limits:MaxBatchOperations)");
            return;
        }

        _multi.Add(translation);
        RespWriter.Status(output, "QUEUED");
    }

    private async ValueTask ExecAsync(byte[][] args, IBufferWriter<byte> output)
    {
        if (args.Length != 1)
        {
            WrongArity(output, "exec");
            return;
        }

        if (_multi is null)
        {
            RespWriter.Error(output, "ERR EXEC without MULTI");
            return;
        }

        var queued = _multi;
        var aborted = _multiAborted;
        var watched = _watched;
        _multi = null;
        _watched = null;
        if (aborted)
        {
            RespWriter.Error(output, "EXECABORT Transaction discarded because of previous errors.");
            return;
        }

        var commands = queued.Where(q => q.Command is not null).Select(q => q.Command!).ToList();
        if (commands.Count == 0 && watched is not null)
        {
            // Nothing to run, but the watched versions still decide between an empty and a null reply.
            commands.Add(new KeyCommand(KeyCommandKind.Count));
        }

        KeyReply[]? replies = null;
        if (commands.Count > 0)
        {
            (replies, var failure) = await CallAsync(commands, watched);
            if (failure is not null)
            {
                RespWriter.Reply(output, failure, _protocol);
                return;
            }

            if (replies is null)
            {
                RespWriter.NullArray(output, _protocol);
                return;
            }
        }

        RespWriter.ArrayHeader(output, queued.Count);
        var next = 0;
        foreach (var translation in queued)
        {
            RespWriter.Reply(output, translation.Command is null ? translation.Immediate! : Shape(replies![next++], translation.Shape), _protocol);
        }
    }

    private void Discard(byte[][] args, IBufferWriter<byte> output)
    {
        if (args.Length != 1)
        {
            WrongArity(output, "discard");
        }
        else if (_multi is null)
        {
            RespWriter.Error(output, "ERR DISCARD without MULTI");
        }
        else
        {
            _multi = null;
            _watched = null;
            RespWriter.Ok(output);
        }
    }

    private async ValueTask WatchAsync(byte[][] args, IBufferWriter<byte> output)
    {
        if (_multi is not null)
        {
            RespWriter.Error(output, "ERR WATCH inside MULTI is not allowed");
            return;
        }

        if (args.Length < 2)
        {
            WrongArity(output, "watch");
            return;
        }

        var commands = new List<KeyCommand>(args.Length - 1);
        foreach (var key in args.Skip(1))
        {
            string text;
            try
            {
                text = Core.KeyRules.StrictUtf8.GetString(key);
            }
            catch (DecoderFallbackException)
            {
                RespWriter.Error(output, "ERR invalid key: keys must be UTF-8 text (values may be any bytes)");
                return;
            }

            commands.Add(new KeyCommand(KeyCommandKind.Version, text));
        }

        var (replies, failure) = await CallAsync(commands, null);
        if (failure is not null)
        {
            RespWriter.Reply(output, failure, _protocol);
            return;
        }

        _watched ??= [];
        for (var i = 0; i < commands.Count; i++)
        {
            _watched.Add(new WatchedKey(commands[i].Key, replies![i].Number));
        }

        RespWriter.Ok(output);
    }
}
