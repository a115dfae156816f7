using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Endpoints;
using Buckets.Hosting.Security;
using Buckets.Backup.Uploads;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>
/// The backup server's batch and upload endpoints (the silo-to-backup-server protocol) with bad
/// input: every refusal is a 4xx application/problem+json, never a 500, and nothing is stored.
/// </summary>
[Trait("Category", "E2E")]
public sealed class InternalUploadTests(InternalUploadTests.BackupServerFixture fixture) : IClassFixture<InternalUploadTests.BackupServerFixture>
{
    private const string Bucket = "upload-tests";

    // The backup server's default Backup:Upload:MaxRequestBytes.
    private const int MaxRequestBytes = 8 * 1024 * 1024;

    [Fact]
    public async Task BatchWithoutTheInternalTokenIsUnauthorized()
    {
        using var anonymous = fixture.Deployment.BackupServer!.CreateClient();
        using var response = await anonymous.PostAsync(InternalBackupRoutes.Batches(Bucket, 1, false, 1), Englang("x"));
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("/internal/v1/buckets/upload-tests/batches?toSeq=1")]
    [InlineData("/internal/v1/buckets/upload-tests/batches?epoch=0&toSeq=1")]
    [InlineData("/internal/v1/buckets/upload-tests/batches?epoch=x&toSeq=1")]
    [InlineData("/internal/v1/buckets/upload-tests/batches?epoch=1")]
    [InlineData("/internal/v1/buckets/upload-tests/batches?epoch=1&toSeq=-1")]
    [InlineData("/internal/v1/buckets/upload-tests/batches?epoch=1&toSeq=1&snapshot=maybe")]
    [InlineData("/internal/v1/buckets/Not.Valid/batches?epoch=1&toSeq=1")]
    public async Task BatchWithABadQueryIsABadRequest(string path)
    {
        using var response = await fixture.Internal.PostAsync(path, Englang("x"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task BatchAsJsonIsAnUnsupportedMediaType()
    {
        using var response = await fixture.Internal.PostAsJsonAsync(InternalBackupRoutes.Batches(Bucket, 1, false, 1), new { englang = "eA==" });
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BatchAboveTheRequestLimitIsTooLargeWithOrWithoutContentLength(bool withLength)
    {
        // With a length the server answers before reading: the client waits for 100 Continue, as the silo does.
        using var request = new HttpRequestMessage(HttpMethod.Post, InternalBackupRoutes.Batches(Bucket, 1, true, 1)) { Content = Bytes(MaxRequestBytes + 1, withLength) };
        request.Headers.ExpectContinue = withLength;
        using var response = await fixture.Internal.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task GarbageBatchIsAcknowledgedAsInvalidNotAServerError()
    {
        using var response = await fixture.Internal.PostAsync(InternalBackupRoutes.Batches(Bucket, 1, false, 1), Englang("not englang\n"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ack = await response.Content.ReadFromJsonAsync<BackupAck>();
        Assert.NotEqual(AckStatus.Stored, ack!.Status);
    }

    [Fact]
    public async Task UploadChunksOutOfOrderOrTooLargeAreRefusedAndTheUploadGoesOn()
    {
        var upload = await OpenAsync();
        var path = (long offset) => InternalBackupRoutes.Upload(Bucket, upload.UploadId, offset);

        using (var first = await fixture.Internal.PutAsync(path(0), Englang("abc")))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        using (var gap = await fixture.Internal.PutAsync(path(10), Englang("def")))
        {
            await AssertProblemAsync(gap, HttpStatusCode.Conflict);
        }

        using (var replay = await fixture.Internal.PutAsync(path(0), Englang("abc")))
        {
            await AssertProblemAsync(replay, HttpStatusCode.Conflict);
        }

        using (var big = await fixture.Internal.PutAsync(path(3), Bytes(MaxRequestBytes + 1, withLength: false)))
        {
            await AssertProblemAsync(big, HttpStatusCode.RequestEntityTooLarge);
        }

        using (var noOffset = await fixture.Internal.PutAsync(InternalBackupRoutes.Upload(Bucket, upload.UploadId), Englang("def")))
        {
            await AssertProblemAsync(noOffset, HttpStatusCode.BadRequest);
        }

        // The refused chunks left nothing behind: the next chunk still starts at 3.
        using (var next = await fixture.Internal.PutAsync(path(3), Englang("def")))
        {
            Assert.Equal(HttpStatusCode.NoContent, next.StatusCode);
        }

        using (var badCommit = await fixture.Internal.PostAsync($"/internal/v1/buckets/{Bucket}/uploads/{upload.UploadId}/commit?epoch=1", null))
        {
            await AssertProblemAsync(badCommit, HttpStatusCode.BadRequest);
        }

        using var abandon = await fixture.Internal.DeleteAsync(InternalBackupRoutes.Upload(Bucket, upload.UploadId));
        Assert.Equal(HttpStatusCode.NoContent, abandon.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.Deployment.BackupDirectory, UploadSpool.FolderName)));
    }

    [Fact]
    public async Task UnknownOrOtherBucketsUploadIsNotFound()
    {
        var upload = await OpenAsync();
        using (var unknown = await fixture.Internal.PutAsync(InternalBackupRoutes.Upload(Bucket, "no-such-upload", 0), Englang("x")))
        {
            await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        }

        using (var otherBucket = await fixture.Internal.PutAsync(InternalBackupRoutes.Upload("another-bucket", upload.UploadId, 0), Englang("x")))
        {
            await AssertProblemAsync(otherBucket, HttpStatusCode.NotFound);
        }

        using (var commitUnknown = await fixture.Internal.PostAsync(InternalBackupRoutes.UploadCommit(Bucket, "no-such-upload", 1, true, 1), null))
        {
            await AssertProblemAsync(commitUnknown, HttpStatusCode.NotFound);
        }

        using (var committed = await fixture.Internal.PostAsync(InternalBackupRoutes.UploadCommit(Bucket, upload.UploadId, 1, true, 1), null))
        {
            Assert.Equal(HttpStatusCode.OK, committed.StatusCode);
        }

        using var again = await fixture.Internal.PostAsync(InternalBackupRoutes.UploadCommit(Bucket, upload.UploadId, 1, true, 1), null);
        await AssertProblemAsync(again, HttpStatusCode.NotFound);
    }

    private async Task<UploadCreated> OpenAsync()
    {
        using var response = await fixture.Internal.PostAsync(InternalBackupRoutes.Uploads(Bucket), null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var upload = await response.Content.ReadFromJsonAsync<UploadCreated>();
        Assert.Equal(MaxRequestBytes, upload!.MaxChunkBytes);
        return upload;
    }

    private static ByteArrayContent Englang(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue(InternalBackupRoutes.EnglangRequestType);
        return content;
    }

    /// <summary>Without a length the body goes chunked, so only Kestrel's per-request limit can stop it.</summary>
    private static HttpContent Bytes(int count, bool withLength)
    {
        HttpContent content = withLength ? new ByteArrayContent(new byte[count]) : new StreamContent(new UnknownLengthStream(new byte[count]));
        content.Headers.ContentType = new MediaTypeHeaderValue(InternalBackupRoutes.EnglangRequestType);
        return content;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>One deployment in Remote mode for the class, and a client of its backup server with the internal token.</summary>
    public sealed class BackupServerFixture : IAsyncLifetime
    {
        public Deployment Deployment { get; private set; } = null!;

        public HttpClient Internal { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Deployment = await Deployment.StartAsync(remoteBackup: true);
            Internal = Deployment.BackupServer!.CreateClient(new InternalToken(Deployment.ClusterSecret).Value);
        }

        public async ValueTask DisposeAsync()
        {
            Internal?.Dispose();
            await Deployment.DisposeAsync();
        }
    }

    /// <summary>A stream that does not say how long it is.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
