using System.Globalization;
using System.Runtime.CompilerServices;
using Buckets.Contracts.Http;

namespace Buckets.Client;

/// <summary>The change feed: every change of the bucket after a number, in order, read by long polls.</summary>
public sealed partial class BucketsClient
{
    /// <summary>
    /// Every change after <paramref name="after"/> (the bucket's latest change when <c>null</c>: new changes
    /// only), in order and without gaps, for as long as the caller reads; each long poll waits up to
    /// <paramref name="wait"/> (default 10 s) for the next change. To resume after a failure or a restart,
    /// call again with the last <see cref="ChangeEventResponse.Change"/> seen. A number older than the
    /// history kept throws <see cref="BucketsApiException"/> with problem type <c>history-gone</c>
    /// (its detail names the oldest number to resume after).
    /// </summary>
    public async IAsyncEnumerable<ChangeEventResponse> ChangesAsync(long? after = null, TimeSpan? wait = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seconds = (wait ?? TimeSpan.FromSeconds(10)).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var next = after;
        while (!cancellationToken.IsCancellationRequested)
        {
            var uri = next is { } n ? $"v1/changes?after={n.ToString(CultureInfo.InvariantCulture)}&wait={seconds}" : $"v1/changes?wait=0";
            var page = await GetJsonAsync<ChangePageResponse>(uri, cancellationToken).ConfigureAwait(false);
            foreach (var change in page.Changes)
            {
                yield return change;
            }

            next = next is null && page.Changes.Count == 0 ? page.LastChange : page.Next;
        }
    }
}
