namespace Buckets.Verification.Tests.Model;

/// <summary>
/// One run of docs/model/backup-protocol.pml: its size switches, and for a broken variant the
/// switch that breaks a rule and the promise Spin must then find broken (a prefix of the hidden
/// name in the failed assertion, e.g. "P3_").
/// </summary>
public sealed record ModelConfiguration(string Name, string Switches, string? Variant = null, string? BrokenPromise = null, string? Compression = null)
{
    private const string R1 = "-DR=1 -DNACT=2 -DWRITES=2 -DWIPES=0 -DMAXATT=2";
    private const string R2 = "-DR=2 -DNACT=2 -DWRITES=1 -DMAXATT=1";
    private const string R3Opens = "-DR=3 -DNACT=2 -DWRITES=1 -DERASES=0 -DWIPES=0 -DMAXATT=2";
    private const string R3Erase = "-DR=3 -DNACT=2 -DWRITES=1 -DWRITES_LAST=0 -DWIPES=0 -DMAXATT=1";
    private const string R3Wipe = "-DR=3 -DNACT=2 -DWRITES=1 -DERASES=0 -DMAXATT=1";
    private const string R3Three = "-DR=3 -DNACT=3 -DWRITES=1 -DERASES=0 -DWIPES=0 -DMAXATT=1 -DSEQ_START";

    /// <summary>
    /// The same with the replica-side form of the rule a new activation needs (a batch names its
    /// base, see docs/model/README.md, finding 1) instead of the grain-side form the code uses: a
    /// tenth of the states, so it fits CI; the grain-side form runs in <see cref="Extended"/>.
    /// </summary>
    private const string R3ThreeReplicaCheck = R3Three + " -DREPLICA_BASE_CHECK";

    /// <summary>The protocol with its rules: each must pass exhaustively. Together they run in CI in well under a minute.</summary>
    public static IReadOnlyList<ModelConfiguration> Real { get; } =
    [
        new("R=1, two activations racing, two writes each, an erase", R1),
        new("R=2, two activations racing, a write each, an erase, a replica wiped and resynced", R2),
        new("R=3, two activations racing with a retried open each, a write each", R3Opens),
        new("R=3, two activations racing, a write and an erase", R3Erase),
        new("R=3, two activations racing, a write each, a replica wiped and resynced", R3Wipe),
        new("R=3, three activations one after another (each may turn zombie), a write each, batches checked against their base", R3ThreeReplicaCheck),
    ];

    /// <summary>
    /// Larger runs, left out of CI for their time and memory (BUCKETS_SPIN_EXTENDED=1 runs them),
    /// with hash compaction (HC4): pan keeps a hash of each state instead of the state, which fits
    /// millions of states in its memory bound but could, by a collision, leave a state unexplored.
    /// </summary>
    public static IReadOnlyList<ModelConfiguration> Extended { get; } =
    [
        new("R=3, three activations one after another (each may turn zombie), a write each", R3Three, Compression: "-DHC4"),
        new("R=3, two activations racing, a write and an erase, a replica wiped and resynced", "-DR=3 -DNACT=2 -DWRITES=1 -DWRITES_LAST=0 -DMAXATT=1", Compression: "-DHC4"),
        new("R=2, two activations racing with a retried open each, a write each, an erase, a replica wiped and resynced", "-DR=2 -DNACT=2 -DWRITES=1 -DMAXATT=2", Compression: "-DHC4"),
    ];

    /// <summary>One rule broken at a time: Spin must find the promise it guards broken.</summary>
    public static IReadOnlyList<ModelConfiguration> Broken { get; } =
    [
        new("a replica grants E when E >= p_r", R3Opens, "BROKEN_GRANT_GE", "P1_"),
        new("an activation rehydrates from the first replica that granted", R3Opens, "BROKEN_REHYDRATE_ONE", "P3_"),
        new("a wiped replica counts before it resynced", R3Wipe, "BROKEN_WIPED_COUNTS", "P3_"),
        new("a wiped replica copies one peer (the page's resync)", R3Wipe, "PAGE_RESYNC", "P3_"),
        new("a wiped replica does not wait out its earlier answers", R3Wipe, "RESYNC_NOWAIT", "P3_"),
        new("a replica accepts a batch on its numbers alone (the page's batch rule)", R3Three, "PAGE_BATCH", "P3_"),
        new("promise 2 as the page words it", R3Opens, "LITERAL_P2", "P2_as_worded"),
    ];

    public string SpinSwitches => Variant is null ? Switches : $"{Switches} -D{Variant}";

    public static ModelConfiguration Named(string name) =>
        Real.Concat(Extended).Concat(Broken).Single(configuration => configuration.Name == name);

    public override string ToString() => Variant is null ? Name : $"{Name} ({Variant})";
}
