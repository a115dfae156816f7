using System.Net;
using Buckets.Hosting.Security;
using Buckets.Server.Backup;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Tests;

/// <summary>The silo reads a whole bucket's state from the backup server in bounded pieces, never in one buffer.</summary>
public sealed class BackupClientPiecesTests
{
    private const int ChunkBytes = 64 * 1024;

    [Fact]
    public async Task ASavedStateLargerThanOneChunkIsReadInPiecesOfAtMostTheChunkSize()
    {
        var body = new byte[(3 * ChunkBytes) + 123];
        Random.Shared.NextBytes(body);
        var client = new HttpBackupClient(new OneClient(new FixedBody(body)), new Uri("http://backup.invalid"), new InternalToken(new string('s', 48)), Options.Create(new BackupClientOptions { ChunkBytes = ChunkBytes }));

        var pieces = await client.ReadStateAsync("bucket", null, null, TestContext.Current.CancellationToken);

        Assert.NotNull(pieces);
        Assert.Equal(4, pieces.Count);
        Assert.All(pieces, p => Assert.InRange(p.Length, 1, ChunkBytes));
        Assert.Equal(body, pieces.SelectMany(p => p).ToArray());
    }

    /// <summary>Every client it makes sends through the one handler.</summary>
    private sealed class OneClient(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    /// <summary>Answers every request with the same body, streamed without a length as a large state would be.</summary>
    private sealed class FixedBody(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(body)) });
    }
}
