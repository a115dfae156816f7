using BenchmarkDotNet.Running;
using Buckets.Benchmarks.Englang;

// Run in Release: dotnet run -c Release --project tests/Buckets.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(EnglangBenchmarks).Assembly).Run(args);
