namespace Buckets.Grains;

/// <summary>
/// What this silo knows of the others: whether a bucket could be handed over to one on shutdown, and
/// whether bucket metadata outlives the last silo. A lone silo (the development profile) has nowhere
/// to migrate to and keeps metadata in its own memory; asking Orleans to move a bucket, place its
/// hand-off pieces or write that metadata on its stop logs an error with a stack trace per bucket.
/// </summary>
/// <param name="membership">The cluster's membership view.</param>
/// <param name="local">This silo.</param>
/// <param name="metadataEndsWithCluster">True when bucket metadata lives in the cluster's memory (the development profile's memory grain storage).</param>
public sealed class SiloPeers(IClusterMembershipService membership, ILocalSiloDetails local, bool metadataEndsWithCluster = false)
{
    /// <summary>True when bucket metadata is lost with the last silo anyway, so that silo's stop need not write it.</summary>
    public bool MetadataEndsWithCluster => metadataEndsWithCluster;

    /// <summary>True when another silo is active in the cluster now.</summary>
    public bool AnyOtherActive()
    {
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && !member.SiloAddress.Equals(local.SiloAddress))
            {
                return true;
            }
        }

        return false;
    }
}
