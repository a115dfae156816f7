using Buckets.Linearizability;
using static Buckets.Verification.Tests.Linearizability.Histories;

namespace Buckets.Verification.Tests.Linearizability;

public sealed class LinearizabilityCheckerTests
{
    [Fact]
    public void AnEmptyHistoryIsLinearizable() =>
        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check([]));

    [Fact]
    public void AReadOfTheLastAcknowledgedWriteIsLinearizable()
    {
        var result = LinearizabilityChecker.Check([Write("a", 0, 10), Write("b", 20, 30), Read("b", 40, 50)]);

        var linearizable = Assert.IsType<LinearizabilityResult.Linearizable>(result);
        Assert.Equal((1, 3), (linearizable.Keys, linearizable.Operations));
    }

    [Fact]
    public void AStaleReadAfterAnAcknowledgedWriteIsAViolationThatNamesTheReadAndTheWrite()
    {
        var result = LinearizabilityChecker.Check([Write("a", 0, 10), Write("b", 20, 30), Read("a", 40, 50)]);

        var violation = Assert.IsType<LinearizabilityResult.Violation>(result);
        Assert.Equal(Key, violation.Key);
        Assert.Equal(3, violation.Witness.Count);
        Assert.Contains("read [12:00:00.040, 12:00:00.050] that returned \"a\"", violation.Explanation, StringComparison.Ordinal);
        Assert.Contains("write of \"b\" [12:00:00.020, 12:00:00.030] acknowledged ended before the read began", violation.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void AReadThatReturnsNothingAfterAnAcknowledgedWriteIsAViolation()
    {
        var violation = Assert.IsType<LinearizabilityResult.Violation>(LinearizabilityChecker.Check([Write("a", 0, 10), Read(null, 20, 30)]));

        Assert.Contains("the key had no value only before its first write", violation.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void AReadOverlappingAWriteMayReturnTheOldOrTheNewValue()
    {
        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check([Write("a", 0, 10), Write("b", 20, 40), Read("a", 25, 30)]));
        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check([Write("a", 0, 10), Write("b", 20, 40), Read("b", 25, 30)]));
    }

    [Fact]
    public void OnceAReadSawTheNewValueALaterReadMayNotSeeTheOldOne()
    {
        var result = LinearizabilityChecker.Check([Write("a", 0, 10), Write("b", 20, 100), Read("b", 25, 30), Read("a", 40, 50)]);

        // All four are needed: without the write of "a" the last read would fail for another reason.
        var violation = Assert.IsType<LinearizabilityResult.Violation>(result);
        Assert.True(violation.Witness.Count == 4, violation.Explanation);
    }

    [Fact]
    public void ConcurrentWritesMayBeReadInEitherOrderButNotInBoth()
    {
        RegisterOperation[] writes = [Write("a", 0, 10), Write("b", 0, 10)];

        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check([.. writes, Read("a", 20, 30), Read("a", 40, 50)]));
        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check([.. writes, Read("b", 20, 30), Read("b", 40, 50)]));
        var violation = Assert.IsType<LinearizabilityResult.Violation>(LinearizabilityChecker.Check([.. writes, Read("a", 20, 30), Read("b", 40, 50), Read("a", 60, 70)]));
        Assert.StartsWith("no order of these", violation.Explanation, StringComparison.Ordinal);
        Assert.Equal(4, violation.Witness.Count);
    }

    [Fact]
    public void TwoClientsThatSeeConcurrentWritesInOppositeOrdersAreAViolation()
    {
        // The writes overlap everything; client 1 reads a then b, client 2 reads b then a, and
        // each client's second read starts after the other client's first read ended.
        var history = new[]
        {
            Write("a", 0, 100), Write("b", 0, 100),
            Read("a", 10, 20), Read("b", 30, 40),
            Read("b", 10, 20), Read("a", 30, 40),
        };

        var violation = Assert.IsType<LinearizabilityResult.Violation>(LinearizabilityChecker.Check(history));
        Assert.True(violation.Witness.Count <= history.Length);
    }

    [Fact]
    public void AWriteWithAnUnknownOutcomeMayOrMayNotAppear()
    {
        var unknown = Write("b", 20, 30, OperationOutcome.Unknown);

        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check([Write("a", 0, 10), unknown, Read("a", 40, 50)]));
        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check([Write("a", 0, 10), unknown, Read("b", 40, 50)]));
        // It may even take effect long after the client gave up.
        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check([Write("a", 0, 10), unknown, Read("a", 40, 50), Read("b", 60, 70)]));
    }

    [Fact]
    public void ManyTimeoutsWhoseValuesNobodyReadCostNothing()
    {
        var history = Enumerable.Range(0, 200).Select(i => Write($"v{i}", 0, 1000, OperationOutcome.Unknown)).Append(Read(null, 2000, 2010)).ToList();

        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check(history, new LinearizabilityBudget { MaxStepsPerKey = 100 }));
    }

    [Fact]
    public void AWriteWithAnUnknownOutcomeThatWasSeenCannotBeUnseen()
    {
        var result = LinearizabilityChecker.Check([Write("a", 0, 10), Write("b", 20, 30, OperationOutcome.Unknown), Read("b", 40, 50), Read("a", 60, 70)]);

        Assert.IsType<LinearizabilityResult.Violation>(result);
    }

    [Fact]
    public void AFailedWriteMustNotAppear()
    {
        var result = LinearizabilityChecker.Check([Write("a", 0, 10), Write("b", 20, 30, OperationOutcome.Failed), Read("b", 40, 50)]);

        var violation = Assert.IsType<LinearizabilityResult.Violation>(result);
        Assert.Contains("a value no write had set by then", violation.Explanation, StringComparison.Ordinal);
        Assert.Single(violation.Witness);
    }

    [Fact]
    public void AReadOfAValueWrittenOnlyAfterTheReadEndedIsAViolation() =>
        Assert.IsType<LinearizabilityResult.Violation>(LinearizabilityChecker.Check([Read("a", 0, 10), Write("a", 20, 30)]));

    [Fact]
    public void AfterAnAcknowledgedDeleteAReadReturnsNothing()
    {
        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check([Write("a", 0, 10), Delete(20, 30), Read(null, 40, 50)]));
        var violation = Assert.IsType<LinearizabilityResult.Violation>(LinearizabilityChecker.Check([Write("a", 0, 10), Delete(20, 30), Read("a", 40, 50)]));
        Assert.Contains("delete [12:00:00.020, 12:00:00.030] acknowledged ended before the read began", violation.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void AReadOfNothingAfterADeleteThatWasOverwrittenIsAViolation() =>
        Assert.IsType<LinearizabilityResult.Violation>(LinearizabilityChecker.Check([Write("a", 0, 10), Delete(20, 30), Write("b", 40, 50), Read(null, 60, 70)]));

    [Fact]
    public void ReadsThatGotNoAnswerAreIgnored()
    {
        var result = LinearizabilityChecker.Check([Write("a", 0, 10), RegisterOperation.FailedRead(Key, At(20), At(30))]);

        Assert.Equal(1, Assert.IsType<LinearizabilityResult.Linearizable>(result).Operations);
    }

    [Fact]
    public void OperationsThatOnlyTouchCountAsConcurrent() =>
        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check([Write("a", 0, 10), Write("b", 10, 20), Read("a", 20, 30)]));

    [Fact]
    public void KeysAreCheckedIndependentlyAndTheViolationNamesItsKey()
    {
        var result = LinearizabilityChecker.Check(
        [
            Write("a", 0, 10, key: "x"), Read("a", 20, 30, key: "y"),
            Write("a", 0, 10, key: "y"), Write("b", 12, 15, key: "y"),
        ]);

        Assert.Equal("y", Assert.IsType<LinearizabilityResult.Violation>(result).Key);
    }

    [Fact]
    public void ManyConcurrentWritesAndReadsAreDecided()
    {
        // Eight writers and sixteen readers all at once, then reads that pin the last writer.
        var history = new List<RegisterOperation>();
        for (var i = 0; i < 8; i++)
        {
            history.Add(Write($"v{i}", 0, 1000));
            history.Add(Read($"v{i % 5}", 0, 1000));
            history.Add(Read($"v{(i + 2) % 8}", 0, 1000));
        }

        history.Add(Read("v3", 2000, 2010));
        history.Add(Read("v3", 2020, 2030));

        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check(history));
        history.Add(Read("v5", 2040, 2050));
        Assert.IsType<LinearizabilityResult.Violation>(LinearizabilityChecker.Check(history));
    }

    [Fact]
    public void AKeyWithMoreOperationsThanTheBudgetIsUndecidedNeverLinearizable()
    {
        var history = Enumerable.Range(0, 10).Select(i => Write($"v{i}", i * 10, (i * 10) + 5)).ToList();

        var result = LinearizabilityChecker.Check(history, new LinearizabilityBudget { MaxOperationsPerKey = 9 });

        Assert.Contains("10 operations", Assert.IsType<LinearizabilityResult.Undecided>(result).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ASearchOverItsStepBudgetIsUndecidedNeverLinearizable()
    {
        // Concurrent acknowledged writes and a later read of the first: the search must find that
        // write's place among the others.
        var history = new List<RegisterOperation>();
        for (var i = 0; i < 12; i++)
        {
            history.Add(Write($"v{i}", 0, 1000));
        }

        history.Add(Read("v0", 2000, 2010));

        Assert.IsType<LinearizabilityResult.Undecided>(LinearizabilityChecker.Check(history, new LinearizabilityBudget { MaxStepsPerKey = 10 }));
        Assert.IsType<LinearizabilityResult.Linearizable>(LinearizabilityChecker.Check(history));
    }

    [Fact]
    public void AnOperationThatEndsBeforeItStartsIsRejected() =>
        Assert.Throws<ArgumentException>(() => Write("a", 10, 0));
}
