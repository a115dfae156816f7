using System.Net;
using System.Text;
using Buckets.Hosting.Http;
using Buckets.Server.Endpoints;
using Buckets.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Tests;

/// <summary>Bodies cost what was sent, not what was declared, and batches are counted before they are built.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class BodyLimitTests(BucketsApiFactory factory)
{
    private const int Declared = 16 * 1024 * 1024;
    private const int Sent = 64 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASlowBodyHoldsWhatItSentNotWhatItDeclared()
    {
        var reader = Reader(maxBufferedBytes: 1L << 30);
        var body = new TrickleStream(Sent);
        var read = reader.ReadAsync(Request(body, Declared), limit: Declared, Ct);
        await body.Drained.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // The buffer grows by doubling as bytes arrive: at most twice what was sent, far below 16 MiB.
        Assert.InRange(reader.BufferedBytes, Sent, 4L * Sent);
        body.End();
        using var result = await read;
        Assert.Equal(BodyReadStatus.Read, result.Status);
        Assert.Equal(Sent, result.Span.Length);
        result.Dispose();
        Assert.Equal(0, reader.BufferedBytes);
    }

    [Fact]
    public async Task BodiesPastTheProcessBudgetAreRefusedUntilOthersAreReleased()
    {
        // A 700 KB body ends in a pooled 1 MiB buffer (it grows by doubling), so one fits and two do not.
        var reader = Reader(maxBufferedBytes: 2 * 1024 * 1024);
        var first = await reader.ReadAsync(Request(new MemoryStream(new byte[700 * 1024]), contentLength: null), limit: Declared, Ct);
        Assert.Equal(BodyReadStatus.Read, first.Status);

        using (var second = await reader.ReadAsync(Request(new MemoryStream(new byte[700 * 1024]), contentLength: null), limit: Declared, Ct))
        {
            Assert.Equal(BodyReadStatus.Busy, second.Status);
        }

        first.Dispose();
        using var third = await reader.ReadAsync(Request(new MemoryStream(new byte[700 * 1024]), contentLength: null), limit: Declared, Ct);
        Assert.Equal(BodyReadStatus.Read, third.Status);
        Assert.Equal(700 * 1024, third.ToArray().Length);
    }

    [Fact]
    public async Task ADeclaredLengthOverTheLimitIsRefusedWithoutReading()
    {
        var reader = Reader(maxBufferedBytes: 1L << 30);
        var body = new TrickleStream(Sent);
        using var result = await reader.ReadAsync(Request(body, Declared), limit: 1024, Ct);
        Assert.Equal(BodyReadStatus.TooLarge, result.Status);
        Assert.False(body.Drained.IsCompleted, "nothing was read");
    }

    [Fact]
    public async Task AChunkedBodyIsStoppedOneBytePastTheLimit()
    {
        var reader = Reader(maxBufferedBytes: 1L << 30);
        using var result = await reader.ReadAsync(Request(new MemoryStream(new byte[100_000]), contentLength: null), limit: 50_000, Ct);
        Assert.Equal(BodyReadStatus.TooLarge, result.Status);
        Assert.Equal(0, reader.BufferedBytes);
    }

    [Fact]
    public void OperationsAreCountedWithoutBuildingThem()
    {
        var json = Encoding.UTF8.GetBytes("{\"operations\":[" + string.Join(',', Enumerable.Repeat("{}", 1_000_000)) + "]}");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var counted = BatchOperationParser.CountOperations(json, stopAfter: 1_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1_001, counted);
        Assert.True(allocated < 64 * 1024, $"counting allocated {allocated} bytes");
    }

    [Fact]
    public async Task ABatchOfManyEmptyOperationsIs400BeforeItIsBuilt()
    {
        using var client = await factory.NewBucketClientAsync();
        var json = "{\"operations\":[" + string.Join(',', Enumerable.Repeat("{}", 5_000)) + "]}";
        using var response = await client.PostBatchAsync(json);
        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-batch");
        Assert.Contains($"1 to {BucketsApiFactory.MaxBatchOperations}", ProblemAssert.Detail(problem), StringComparison.Ordinal);
    }

    private static BodyReader Reader(long maxBufferedBytes) =>
        new(Options.Create(new HttpSurfaceOptions { MaxBufferedBodyBytes = maxBufferedBytes }));

    private static HttpRequest Request(Stream body, long? contentLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = contentLength;
        return context.Request;
    }

    /// <summary>Yields <c>sent</c> bytes, then waits (a client that stopped sending) until <see cref="End"/>.</summary>
    private sealed class TrickleStream(int sent) : Stream
    {
        private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _left = sent;

        public Task Drained => _drained.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void End() => _ended.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left == 0)
            {
                _drained.TrySetResult();
                await _ended.Task.WaitAsync(cancellationToken);
                return 0;
            }

            var n = Math.Min(Math.Min(buffer.Length, 4096), _left);
            buffer.Span[..n].Fill((byte)'x');
            _left -= n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
