using Buckets.Baseline;

// Listens where --urls says (default http://127.0.0.1:5090). Same paths as Buckets so one wrk script drives both.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5090");
var app = builder.Build();

app.MapGet("/v1/keys/{key}", (string key) =>
    BaselineStore.Entries.TryGetValue(key, out var value)
        ? Results.Bytes(value, "application/octet-stream")
        : Results.NotFound());

app.MapPut("/v1/keys/{key}", async (string key, HttpRequest request) =>
{
    var length = (int)(request.ContentLength ?? 0);
    var value = new byte[length];
    await request.Body.ReadExactlyAsync(value, request.HttpContext.RequestAborted);
    return BaselineStore.Entries.TryAdd(key, value) ? Results.Created() : SetExisting(key, value);
});

app.MapGet("/healthz", () => Results.Ok());

await app.RunAsync();

static IResult SetExisting(string key, byte[] value)
{
    BaselineStore.Entries[key] = value;
    return Results.NoContent();
}
