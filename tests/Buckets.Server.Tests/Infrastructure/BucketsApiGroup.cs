namespace Buckets.Server.Tests.Infrastructure;

/// <summary>Every HTTP test class shares one server (and one silo): starting a silo is slow.</summary>
[CollectionDefinition(Name)]
public sealed class BucketsApiGroup : ICollectionFixture<BucketsApiFactory>
{
    public const string Name = "Buckets API";
}
