using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Buckets.Benchmarks.Infrastructure;

/// <summary>
/// Operations per second and, where the bytes per operation are known, MB/s (10^6 bytes), both
/// derived from the mean time per operation (so from <c>OperationsPerInvoke</c> when a benchmark
/// loops over many items: then one operation is one item, e.g. one Englang line).
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    private readonly string _unit;
    private readonly Func<string, double?>? _bytesPerOperation;

    /// <param name="unit">What one operation is, e.g. "Lines" (column "Lines/s").</param>
    /// <param name="bytesPerOperation">Bytes one operation handles, by benchmark method name; <c>null</c> for no MB/s column value.</param>
    /// <param name="megabytes">True for the MB/s column, false for the operations/s column.</param>
    public ThroughputColumn(string unit, Func<string, double?>? bytesPerOperation, bool megabytes)
    {
        _unit = unit;
        _bytesPerOperation = bytesPerOperation;
        Megabytes = megabytes;
    }

    public bool Megabytes { get; }

    public string Id => nameof(ThroughputColumn) + "." + ColumnName;

    public string ColumnName => Megabytes ? "MB/s" : _unit + "/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => Megabytes ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => Megabytes
        ? "Megabytes (10^6 bytes) of Englang text per second, from the mean time per line"
        : $"{_unit} per second, from the mean time per operation";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not > 0)
        {
            return "-";
        }

        var perSecond = 1e9 / meanNs.Value;
        if (!Megabytes)
        {
            return perSecond.ToString("N0", CultureInfo.InvariantCulture);
        }

        var bytes = _bytesPerOperation?.Invoke(benchmarkCase.Descriptor.WorkloadMethod.Name);
        return bytes is { } b ? (perSecond * b / 1e6).ToString("N1", CultureInfo.InvariantCulture) : "-";
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public override string ToString() => ColumnName;
}
