using System.Net;
using Buckets.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Buckets.Server.Tests;

/// <summary>The Development profile's silo opens its silo port on loopback and no Orleans client gateway.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class OrleansPortTests(BucketsApiFactory factory)
{
    [Fact]
    public void TheDevelopmentSiloRunsWithoutAnOrleansClientGateway()
    {
        var silo = factory.Services.GetRequiredService<ILocalSiloDetails>();

        Assert.Null(silo.GatewayAddress);
        Assert.Equal(IPAddress.Loopback, silo.SiloAddress.Endpoint.Address);
    }
}
