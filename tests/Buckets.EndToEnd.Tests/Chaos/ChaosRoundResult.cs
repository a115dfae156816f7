using System.Globalization;

namespace Buckets.EndToEnd.Tests.Chaos;

/// <summary>One chaos round: what was killed, how long until every bucket answered, and what was lost per class; for a silo, where the recovery time went.</summary>
public sealed record ChaosRoundResult(int Round, string Victim, TimeSpan Recovery, IReadOnlyDictionary<string, (int Acknowledged, int Lost)> ByClass, RecoveryTimeline? Timeline = null)
{
    /// <summary>Lost: acknowledged writes (of any earlier round too) found missing after this crash; acked: writes acknowledged during this round.</summary>
    public const string Header = "| round | victim | recovery (s) | cache lost / acked | standard lost / acked | critical lost / acked |\n| --- | --- | --- | --- | --- | --- |";

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Round} | {Victim} | {Recovery.TotalSeconds:F1} | {Cell("cache")} | {Cell("standard")} | {Cell("critical")} |");

    private string Cell(string durability) => ByClass.TryGetValue(durability, out var c) ? $"{c.Lost}/{c.Acknowledged}" : "-";
}
