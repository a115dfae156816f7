using System.Text.Json;
using Buckets.Backup.Storage;
using Buckets.Core.Security;

namespace Buckets.Server.Security;

/// <summary>
/// The development profile's <see cref="IRevocationStore"/>: <c>revocations.json</c> under the data
/// directory, replaced atomically (temporary file, fsync, rename, directory fsync) on every
/// revocation, so a crash leaves the old list or the new one and a revocation survives restarts.
/// One process owns the file; it is read once and then served from memory.
/// </summary>
public sealed class FileRevocationStore(string dataDirectory, TimeProvider time) : IRevocationStore
{
    public const string FileName = "revocations.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string _path = Path.Combine(dataDirectory, FileName);
    private readonly Lock _gate = new();
    private List<KeyRevocation>? _revocations;

    public Task<RevocationChanges> ReadSinceAsync(long afterChange, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var changed = Load().Where(r => r.Change > afterChange).OrderBy(r => r.Change).ToList();
            return Task.FromResult(new RevocationChanges(changed, changed.Count == 0 ? afterChange : changed[^1].Change));
        }
    }

    public Task<KeyRevocation> RevokeAsync(string bucketId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var revocations = Load();
            var index = revocations.FindIndex(r => r.BucketId == bucketId);
            var firstValid = index < 0 ? 1 : revocations[index].FirstValidSerial + 1;
            var change = revocations.Count == 0 ? 1 : revocations.Max(r => r.Change) + 1;
            var revocation = new KeyRevocation(bucketId, firstValid, time.GetUtcNow(), change);
            var next = new List<KeyRevocation>(revocations);
            if (index < 0)
            {
                next.Add(revocation);
            }
            else
            {
                next[index] = revocation;
            }

            DurableFiles.CreateDirectory(dataDirectory);
            DurableFiles.WriteAtomically(_path, stream => JsonSerializer.Serialize(stream, new RevocationFile(next), Json));
            _revocations = next;
            return Task.FromResult(revocation);
        }
    }

    public Task<long> FirstValidSerialAsync(string bucketId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Load().Find(r => r.BucketId == bucketId)?.FirstValidSerial ?? 0);
        }
    }

    private List<KeyRevocation> Load()
    {
        if (_revocations is null)
        {
            _revocations = File.Exists(_path)
                ? JsonSerializer.Deserialize<RevocationFile>(File.ReadAllBytes(_path), Json)?.Revocations
                    ?? throw new InvalidDataException($"{_path} is empty; it should list revoked API keys.")
                : [];
        }

        return _revocations;
    }

    /// <summary>The file's shape.</summary>
    private sealed record RevocationFile(List<KeyRevocation> Revocations);
}
