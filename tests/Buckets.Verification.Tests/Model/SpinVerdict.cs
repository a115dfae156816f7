using System.Globalization;
using System.Text.RegularExpressions;

namespace Buckets.Verification.Tests.Model;

/// <summary>What pan reported for one run: errors found, states stored, the failed assertion, and whether the search was complete.</summary>
public sealed partial record SpinVerdict(int Errors, long States, string? FailedAssertion, bool Complete, TimeSpan Elapsed, string Output)
{
    public static SpinVerdict Parse(string output, TimeSpan elapsed)
    {
        var errors = ErrorsLine().Match(output);
        var states = StatesLine().Match(output);
        var assertion = AssertionLine().Match(output);

        // A search cut short by the depth bound or the memory bound proves nothing.
        var complete = errors.Success && states.Success
            && !output.Contains("max search depth too small", StringComparison.Ordinal)
            && !output.Contains("MEMLIM", StringComparison.Ordinal);
        return new(
            errors.Success ? int.Parse(errors.Groups[1].Value, CultureInfo.InvariantCulture) : -1,
            states.Success ? long.Parse(states.Groups[1].Value, CultureInfo.InvariantCulture) : -1,
            assertion.Success ? assertion.Groups[1].Value : null,
            complete,
            elapsed,
            output);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"errors {Errors}, {States} states, {Elapsed.TotalSeconds:F1} s{(FailedAssertion is null ? "" : $", {FailedAssertion}")}{(Complete ? "" : ", INCOMPLETE")}");

    [GeneratedRegex(@"errors: (\d+)")]
    private static partial Regex ErrorsLine();

    [GeneratedRegex(@"(\d+) states, stored")]
    private static partial Regex StatesLine();

    [GeneratedRegex(@"assertion violated (.*?) \(at depth")]
    private static partial Regex AssertionLine();
}
