namespace Buckets.Core.Security;

/// <summary>Revocations read from a store after some change number.</summary>
/// <param name="Revocations">The records, oldest change first.</param>
/// <param name="LastChange">The change number to read after next time.</param>
public sealed record RevocationChanges(IReadOnlyList<KeyRevocation> Revocations, long LastChange);
