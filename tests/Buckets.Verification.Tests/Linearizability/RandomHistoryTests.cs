using Buckets.Linearizability;
using static Buckets.Verification.Tests.Linearizability.Histories;

namespace Buckets.Verification.Tests.Linearizability;

/// <summary>
/// Histories made from a random sequential execution: each operation takes effect at its own
/// instant, and its invocation and response are drawn around that instant, so many overlap. Such
/// a history is linearizable by construction; appending a stale read must be found.
/// </summary>
public sealed class RandomHistoryTests
{
    private const int Histories = 300;
    private const int OperationsPerHistory = 40;
    private const int Values = 4;
    private const int Spread = 25;

    [Fact]
    public void EveryHistoryOfASequentialExecutionWithRandomOverlapsIsLinearizable()
    {
        for (var seed = 0; seed < Histories; seed++)
        {
            var history = Generate(new Random(seed), out _);

            var result = LinearizabilityChecker.Check(history);

            Assert.True(result is LinearizabilityResult.Linearizable, $"seed {seed}: {result}\n{string.Join("\n", history)}");
        }
    }

    [Fact]
    public void AStaleReadInjectedAfterTheLastAcknowledgedWriteIsFound()
    {
        for (var seed = 0; seed < Histories; seed++)
        {
            var random = new Random(seed);
            var history = Generate(random, out var end);
            var settled = history.Where(operation => operation.Kind == RegisterOperationKind.Write && operation.Outcome == OperationOutcome.Ok).Select(operation => operation.Value).ToList();
            var unsettled = history.Where(operation => operation.Kind == RegisterOperationKind.Write && operation.Outcome == OperationOutcome.Unknown).Select(operation => operation.Value).ToHashSet();

            // An acknowledged write after everything, then a read of an older value that only
            // acknowledged writes wrote (an unknown one might still take effect later).
            var stale = settled.Where(value => !unsettled.Contains(value)).Append(null).ElementAt(random.Next(settled.Count(value => !unsettled.Contains(value)) + 1));
            history.Add(Write("fresh", end + 10, end + 20));
            history.Add(Read(stale, end + 30, end + 40));

            var result = LinearizabilityChecker.Check(history);

            var violation = Assert.IsType<LinearizabilityResult.Violation>(result);
            Assert.Contains(history[^1], violation.Witness);
        }
    }

    /// <summary>A sequential execution of writes, deletes and reads with random real-time windows around each instant.</summary>
    private static List<RegisterOperation> Generate(Random random, out long end)
    {
        var history = new List<RegisterOperation>();
        string? state = null;
        var instant = 0L;
        for (var i = 0; i < OperationsPerHistory; i++)
        {
            instant += random.Next(1, 10);
            var from = instant - random.Next(Spread);
            var to = instant + random.Next(Spread);
            switch (random.Next(10))
            {
                case < 4:
                    var value = $"v{random.Next(Values)}";
                    // An acknowledged write, one whose answer was lost (applied, unknown), or one
                    // that failed (not applied, so it does not change the state).
                    var outcome = random.Next(10) switch
                    {
                        0 => OperationOutcome.Unknown,
                        1 => OperationOutcome.Failed,
                        _ => OperationOutcome.Ok,
                    };
                    if (outcome != OperationOutcome.Failed)
                    {
                        state = value;
                    }

                    history.Add(Write(value, from, to, outcome));
                    break;
                case 4:
                    state = null;
                    history.Add(Delete(from, to));
                    break;
                default:
                    history.Add(Read(state, from, to));
                    break;
            }
        }

        end = history.Max(operation => (operation.Responded - At(0)).Ticks / TimeSpan.TicksPerMillisecond);
        return history;
    }
}
