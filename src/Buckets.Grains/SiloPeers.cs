namespace Buckets.Grains;

/// <summary>
/// What this silo knows of the others: whether a bucket could be handed over to one on shutdown.
/// A lone silo (the development profile) has nowhere to migrate to; asking Orleans anyway logs an
/// error with a stack trace for every active bucket on each stop.
/// </summary>
public sealed class SiloPeers(IClusterMembershipService membership, ILocalSiloDetails local)
{
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
