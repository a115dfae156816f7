using System.Net;
using System.Net.Http.Headers;

namespace Buckets.Server.Tests.Infrastructure;

/// <summary>A body of unknown length, so the client sends it with chunked transfer encoding.</summary>
public sealed class ChunkedContent : HttpContent
{
    private const int ChunkBytes = 256;
    private readonly byte[] _bytes;

    public ChunkedContent(byte[] bytes, string mediaType)
    {
        _bytes = bytes;
        Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < _bytes.Length; offset += ChunkBytes)
        {
            await stream.WriteAsync(_bytes.AsMemory(offset, Math.Min(ChunkBytes, _bytes.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
