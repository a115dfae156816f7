namespace Buckets.Server.Http;

/// <summary>Reads a request body into memory, refusing it as soon as it passes a limit.</summary>
public static class BodyReader
{
    private const int InitialBufferBytes = 4096;

    /// <summary>Returns the body, or <c>null</c> when it is longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            if (length > limit)
            {
                return null;
            }

            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }

        // Chunked: grow a buffer, stopping one byte past the limit.
        var buffer = new byte[Math.Min(InitialBufferBytes, limit + 1)];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (filled > limit)
                {
                    return null;
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, (long)limit + 1));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return filled > limit ? null : buffer[..filled];
            }

            filled += read;
        }
    }
}
