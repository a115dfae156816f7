using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;

namespace Buckets.Benchmarks.Http;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends pre-built request bytes and reads the answer into
/// a fixed buffer, allocating nothing per request (socket sends and receives of memory complete on
/// the socket's cached awaitable). The pipeline benchmarks count every byte the process allocates,
/// server threads included, so the client must add none: an HttpClient would add about 2 KB of its
/// own per request, in the same counter.
/// </summary>
public sealed class RawHttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLengthName = "\r\ncontent-length:"u8.ToArray();
    private static readonly byte[] TransferEncodingName = "\r\ntransfer-encoding:"u8.ToArray();

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RawHttpConnection(Socket socket) => _socket = socket;

    public static async Task<RawHttpConnection> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new RawHttpConnection(socket);
    }

    /// <summary>Sends one request and reads its whole answer; returns the status code.</summary>
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request)
    {
        while (!request.IsEmpty)
        {
            var sent = await _socket.SendAsync(request, SocketFlags.None);
            request = request[sent..];
        }

        var read = 0;
        var bodyStart = -1;
        var total = -1;
        while (total < 0 || read < total)
        {
            var n = await _socket.ReceiveAsync(_buffer.AsMemory(read), SocketFlags.None);
            if (n == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            read += n;
            if (bodyStart < 0)
            {
                var end = _buffer.AsSpan(0, read).IndexOf(HeaderEnd);
                if (end < 0)
                {
                    continue;
                }

                bodyStart = end + HeaderEnd.Length;
                total = bodyStart + ContentLength(_buffer.AsSpan(0, bodyStart));
            }
        }

        if (read != total)
        {
            throw new IOException("The server sent more than one answer.");
        }

        // "HTTP/1.1 200 ..."
        return Utf8Parser.TryParse(_buffer.AsSpan(9, 3), out int status, out _) ? status : throw new IOException("No status line.");
    }

    private static int ContentLength(ReadOnlySpan<byte> head)
    {
        if (IndexOfIgnoreCase(head, TransferEncodingName) >= 0)
        {
            throw new IOException("Chunked answers are not read by this client.");
        }

        var at = IndexOfIgnoreCase(head, ContentLengthName);
        if (at < 0)
        {
            return 0;
        }

        var value = head[(at + ContentLengthName.Length)..].TrimStart((byte)' ');
        return Utf8Parser.TryParse(value, out int length, out _) ? length : throw new IOException("Bad Content-Length.");
    }

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> lowerNeedle)
    {
        for (var i = 0; i + lowerNeedle.Length <= haystack.Length; i++)
        {
            var j = 0;
            while (j < lowerNeedle.Length && Lower(haystack[i + j]) == lowerNeedle[j])
            {
                j++;
            }

            if (j == lowerNeedle.Length)
            {
                return i;
            }
        }

        return -1;
    }

    private static byte Lower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;

    public void Dispose() => _socket.Dispose();
}
