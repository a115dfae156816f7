namespace Buckets.Backup.Uploads;

/// <summary>The backup server's answer to opening an upload.</summary>
/// <param name="UploadId">Names the upload in its chunk, commit and abandon calls.</param>
/// <param name="MaxChunkBytes">The largest chunk the server takes (<see cref="UploadOptions.MaxRequestBytes"/>).</param>
/// <param name="MaxUploadBytes">The largest upload the server takes (<see cref="UploadOptions.MaxUploadBytes"/>).</param>
public sealed record UploadCreated(string UploadId, long MaxChunkBytes, long MaxUploadBytes);
