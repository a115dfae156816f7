namespace Buckets.Backup.Storage;

/// <summary>
/// Every bucket id of a store at once, in ordinal order, for the callers that still need the whole
/// list (the internal replica listing pages it by ordinal cursor; the resync asks whether the store is
/// empty). It holds every id: new code pages with <see cref="IBackupStore.ListBuckets(string?, int)"/>,
/// which never does (layout order, the last id of a page is the cursor).
/// </summary>
public static class BucketListing
{
    /// <summary>Ids read per step from the store.</summary>
    private const int PageSize = 10_000;

    /// <summary>Every bucket id in the store, ordinal.</summary>
    public static IReadOnlyList<string> ListBuckets(this IBackupStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var ids = new List<string>();
        string? after = null;
        do
        {
            var page = store.ListBuckets(after, PageSize);
            ids.AddRange(page.Ids);
            after = page.Next;
        }
        while (after is not null);

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }
}
