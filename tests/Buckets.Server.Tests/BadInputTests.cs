using System.Globalization;
using System.Net;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary>Input the API must refuse with a precise problem, and the boundaries it must still accept.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class BadInputTests(BucketsApiFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Key_of_exactly_max_utf8_bytes_is_accepted()
    {
        using var client = await factory.NewBucketClientAsync();
        var key = new string('k', BucketsApiFactory.MaxKeyBytes);

        using var put = await client.PutTextAsync(key, "v");

        await ProblemAssert.StatusAsync(put, HttpStatusCode.Created);
        Assert.Equal("v", await client.MustGetTextAsync(key));
    }

    [Theory]
    [InlineData("k", 513)]
    [InlineData("é", 257)]
    [InlineData("日", 171)]
    public async Task Key_over_max_utf8_bytes_is_400_on_every_method(string unit, int repeat)
    {
        using var client = await factory.NewBucketClientAsync();
        var key = string.Concat(Enumerable.Repeat(unit, repeat));

        using var put = await client.PutTextAsync(key, "v");
        using var get = await client.GetKeyAsync(key);
        using var delete = await client.DeleteKeyAsync(key);

        var problem = await ProblemAssert.IsAsync(put, HttpStatusCode.BadRequest, "invalid-key");
        Assert.Contains("512", ProblemAssert.Detail(problem), StringComparison.Ordinal);
        await ProblemAssert.IsAsync(get, HttpStatusCode.BadRequest, "invalid-key");
        await ProblemAssert.IsAsync(delete, HttpStatusCode.BadRequest, "invalid-key");
    }

    [Theory]
    [InlineData("%01")]
    [InlineData("a%0Ab")]
    [InlineData("a%0Db")]
    [InlineData("tab%09")]
    [InlineData("del%7F")]
    [InlineData("c1%C2%85")]
    public async Task Key_with_a_control_character_is_400_on_every_method(string encodedKey)
    {
        using var client = await factory.NewBucketClientAsync();
        var uri = KeysApi.Relative("/v1/keys/" + encodedKey);

        using var put = await client.SendToAsync(HttpMethod.Put, uri, KeysApi.Text("v"));
        using var get = await client.SendToAsync(HttpMethod.Get, uri);
        using var delete = await client.SendToAsync(HttpMethod.Delete, uri);

        var problem = await ProblemAssert.IsAsync(put, HttpStatusCode.BadRequest, "invalid-key");
        Assert.Contains("control character", ProblemAssert.Detail(problem), StringComparison.Ordinal);
        await ProblemAssert.IsAsync(get, HttpStatusCode.BadRequest, "invalid-key");
        await ProblemAssert.IsAsync(delete, HttpStatusCode.BadRequest, "invalid-key");
        Assert.Empty((await client.ListAllAsync()).Keys);
    }

    [Fact]
    public async Task Empty_key_is_400()
    {
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.Relative("/v1/keys/"), KeysApi.Text("v"));

        await ProblemAssert.IsAsync(put, HttpStatusCode.BadRequest, "invalid-key");
    }

    [Fact]
    public async Task Value_over_the_limit_with_content_length_is_413()
    {
        using var client = await factory.NewBucketClientAsync();
        var content = KeysApi.Bytes(new byte[BucketsApiFactory.MaxValueBytes + 1], KeysApi.OctetStream);

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("big"), content);

        var problem = await ProblemAssert.IsAsync(put, HttpStatusCode.RequestEntityTooLarge, "too-large");
        Assert.Contains(BucketsApiFactory.MaxValueBytes.ToString(CultureInfo.InvariantCulture), ProblemAssert.Detail(problem), StringComparison.Ordinal);
        using var get = await client.GetKeyAsync("big");
        await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData(BucketsApiFactory.MaxValueBytes + 1)]
    [InlineData(BucketsApiFactory.MaxValueBytes * 3)]
    public async Task Value_over_the_limit_with_chunked_transfer_is_413(int size)
    {
        using var client = await factory.NewBucketClientAsync();
        var content = new ChunkedContent(new byte[size], KeysApi.OctetStream);

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("big"), content, r => Assert.Null(r.Content?.Headers.ContentLength));

        await ProblemAssert.IsAsync(put, HttpStatusCode.RequestEntityTooLarge, "too-large");
        using var get = await client.GetKeyAsync("big");
        await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Chunked_value_beyond_the_server_body_limit_is_413_too_large()
    {
        // 100 KiB is past Kestrel's MaxRequestBodySize (max(MaxValueBytes, MaxBatchBytes) + 64 KiB = 80 KiB),
        // so whether the endpoint's own check or Kestrel's fires first depends on timing. Either way the
        // answer must be the same 413 'too-large' problem.
        using var client = await factory.NewBucketClientAsync();
        var content = new ChunkedContent(new byte[BucketsApiFactory.MaxValueBytes * 100], KeysApi.OctetStream);

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("huge"), content);

        await ProblemAssert.IsAsync(put, HttpStatusCode.RequestEntityTooLarge, "too-large");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("+5")]
    [InlineData("%205")]
    [InlineData("0x10")]
    [InlineData("316224001")]
    [InlineData("99999999999999999999999")]
    public async Task Invalid_ttl_is_400(string ttl)
    {
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("k", "ttl=" + ttl), KeysApi.Text("v"));

        var problem = await ProblemAssert.IsAsync(put, HttpStatusCode.BadRequest, "invalid-ttl");
        Assert.Contains("ttl", ProblemAssert.Detail(problem), StringComparison.OrdinalIgnoreCase);
        using var get = await client.GetKeyAsync("k");
        await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain; charset=latin1")]
    [InlineData("text/plain; charset=iso-8859-1")]
    [InlineData("application/json")]
    [InlineData("text/html")]
    [InlineData("multipart/form-data; boundary=xyz")]
    public async Task Unsupported_content_type_is_415(string contentType)
    {
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("k"), KeysApi.Bytes("v"u8.ToArray(), contentType));

        await ProblemAssert.IsAsync(put, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        using var get = await client.GetKeyAsync("k");
        await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("TEXT/PLAIN; CHARSET=UTF-8")]
    [InlineData("text/plain;charset=\"utf-8\"")]
    [InlineData("application/octet-stream")]
    [InlineData("Application/Octet-Stream")]
    public async Task Supported_content_types_are_accepted(string contentType)
    {
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("k"), KeysApi.Bytes("v"u8.ToArray(), contentType));

        await ProblemAssert.StatusAsync(put, HttpStatusCode.Created);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x61, 0xC3 })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    public async Task Text_body_with_invalid_utf8_is_400(byte[] body)
    {
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("k"), KeysApi.Bytes(body, KeysApi.TextUtf8));

        var problem = await ProblemAssert.IsAsync(put, HttpStatusCode.BadRequest, "invalid-value");
        Assert.Contains("UTF-8", ProblemAssert.Detail(problem), StringComparison.Ordinal);
        using var get = await client.GetKeyAsync("k");
        await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Entries_over_the_bucket_limit_are_409_bucket_full()
    {
        using var client = await factory.NewBucketClientAsync();
        for (var i = 0; i < BucketsApiFactory.MaxEntriesPerBucket; i++)
        {
            await client.MustPutAsync("entry-" + i.ToString(CultureInfo.InvariantCulture), "v");
        }

        using var overflow = await client.PutTextAsync("one-too-many", "v");

        var problem = await ProblemAssert.IsAsync(overflow, HttpStatusCode.Conflict, "bucket-full");
        Assert.Contains("maximum", ProblemAssert.Detail(problem), StringComparison.Ordinal);
        using var get = await client.GetKeyAsync("one-too-many");
        await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");

        // Replacing an existing entry needs no room; deleting one makes room.
        using var replace = await client.PutTextAsync("entry-0", "new");
        await ProblemAssert.StatusAsync(replace, HttpStatusCode.NoContent);
        using (var delete = await client.DeleteKeyAsync("entry-1"))
        {
            await ProblemAssert.StatusAsync(delete, HttpStatusCode.NoContent);
        }

        using var retry = await client.PutTextAsync("one-too-many", "v");
        await ProblemAssert.StatusAsync(retry, HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=51")]
    [InlineData("limit=abc")]
    [InlineData("limit=-1")]
    [InlineData("limit=1.5")]
    [InlineData("limit=99999999999")]
    public async Task Invalid_list_limit_is_400(string query)
    {
        using var client = await factory.NewBucketClientAsync();

        using var list = await client.GetAsync(KeysApi.Relative("/v1/keys?" + query), Ct);

        var problem = await ProblemAssert.IsAsync(list, HttpStatusCode.BadRequest, "invalid-limit");
        Assert.Contains(BucketsApiFactory.MaxListLimit.ToString(CultureInfo.InvariantCulture), ProblemAssert.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Largest_list_limit_is_accepted()
    {
        using var client = await factory.NewBucketClientAsync();

        var page = await client.ListAsync("limit=" + BucketsApiFactory.MaxListLimit.ToString(CultureInfo.InvariantCulture));

        Assert.Empty(page.Keys);
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [InlineData("%21%21%21")]
    [InlineData("not*a*cursor")]
    [InlineData("AQ")]
    [InlineData("_w")]
    [InlineData("a")]
    public async Task Garbage_cursor_is_400(string cursor)
    {
        using var client = await factory.NewBucketClientAsync();

        using var list = await client.GetAsync(KeysApi.Relative("/v1/keys?cursor=" + cursor), Ct);

        await ProblemAssert.IsAsync(list, HttpStatusCode.BadRequest, "invalid-cursor");
    }

    [Fact]
    public async Task Overlong_cursor_is_400()
    {
        using var client = await factory.NewBucketClientAsync();
        var cursor = System.Buffers.Text.Base64Url.EncodeToString(new byte[BucketsApiFactory.MaxKeyBytes + 10].Select(_ => (byte)'a').ToArray());

        using var list = await client.GetAsync(KeysApi.Relative("/v1/keys?cursor=" + cursor), Ct);

        await ProblemAssert.IsAsync(list, HttpStatusCode.BadRequest, "invalid-cursor");
    }

    [Fact]
    public async Task Prefix_with_a_control_character_is_400()
    {
        using var client = await factory.NewBucketClientAsync();

        using var list = await client.GetAsync(KeysApi.Relative("/v1/keys?prefix=a%01"), Ct);

        await ProblemAssert.IsAsync(list, HttpStatusCode.BadRequest, "invalid-prefix");
    }
}
