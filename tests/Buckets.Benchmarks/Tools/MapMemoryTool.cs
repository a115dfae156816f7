using Buckets.Core;

namespace Buckets.Benchmarks.Tools;

/// <summary>
/// <c>tool map-memory</c>: bytes per entry of the data structures alone, without Orleans or HTTP:
/// <see cref="BucketMap"/> (what a bucket grain holds, as loaded and after <see cref="BucketMap.TrimExcess"/>) and, for scale, a bare
/// <c>Dictionary&lt;string, byte[]&gt;</c>, for the same buckets x entries as the memory test.
/// The gap between these and the server's heap growth is the per-bucket grain/activation cost.
/// </summary>
public static class MapMemoryTool
{
    public static int Run(ToolArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var buckets = args.Number("buckets", 10_000);
        var perBucket = args.Number("per-bucket", 100);
        var valueBytes = args.Number("value-bytes", 32);
        var entries = (long)buckets * perBucket;
        var now = DateTimeOffset.UtcNow;
        var limits = new LimitsOptions();

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var maps = new BucketMap[buckets];
        for (var b = 0; b < buckets; b++)
        {
            maps[b] = new BucketMap(limits);
            for (var i = 0; i < perBucket; i++)
            {
                var n = (long)b * perBucket + i;
                maps[b].Set(Dataset.Key(n), Dataset.ValueBytes(n, valueBytes), null, null, false, now);
            }
        }

        var mapBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        // What a bucket grain leaves once the bucket goes quiet (BucketGrainOptions.TrimDelay).
        foreach (var map in maps)
        {
            map.TrimExcess();
        }

        var trimmedBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(maps);
        maps = null;

        before = GC.GetTotalMemory(forceFullCollection: true);
        var dictionaries = new Dictionary<string, byte[]>[buckets];
        for (var b = 0; b < buckets; b++)
        {
            dictionaries[b] = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (var i = 0; i < perBucket; i++)
            {
                var n = (long)b * perBucket + i;
                dictionaries[b][Dataset.Key(n)] = Dataset.ValueBytes(n, valueBytes);
            }
        }

        var dictionaryBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(dictionaries);
        Console.WriteLine($"bucketmap_bytes_per_entry={(double)mapBytes / entries:F1} bucketmap_trimmed_bytes_per_entry={(double)trimmedBytes / entries:F1} dictionary_bytes_per_entry={(double)dictionaryBytes / entries:F1} entries={entries} buckets={buckets}");
        return 0;
    }
}
