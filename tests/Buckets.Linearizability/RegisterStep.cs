namespace Buckets.Linearizability;

/// <summary>
/// An operation as the search sees it: values as small ids (0: nothing), times as ticks, and an
/// unknown outcome's return at <see cref="long.MaxValue"/> (it may take effect at any later time).
/// </summary>
internal readonly record struct RegisterStep(RegisterOperationKind Kind, int Value, long Invoked, long Returned);
