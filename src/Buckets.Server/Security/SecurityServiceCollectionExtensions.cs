using Buckets.Hosting.Security;
using System.Text;
using Buckets.Core.Security;
using Buckets.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Security;

/// <summary>DI wiring of API keys, the admin token and development secrets.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Registers the secrets. In the development profile, secrets left unset are generated once
    /// and kept under the data directory; every other profile requires them from configuration.
    /// </summary>
    public static IHostApplicationBuilder AddBucketsSecurity(this IHostApplicationBuilder builder)
    {
        var hosting = builder.Configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
        var section = builder.Configuration.GetSection(SecurityOptions.SectionName);
        if (hosting.Profile == HostingProfile.Development
            && (string.IsNullOrEmpty(section["AdminToken"]) || string.IsNullOrEmpty(section["ClusterSecret"])))
        {
            var generated = DevelopmentSecrets.LoadOrCreate(hosting.DataDirectory);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{SecurityOptions.SectionName}:AdminToken"] = string.IsNullOrEmpty(section["AdminToken"]) ? generated.AdminToken : section["AdminToken"],
                [$"{SecurityOptions.SectionName}:ClusterSecret"] = string.IsNullOrEmpty(section["ClusterSecret"]) ? generated.ClusterSecret : section["ClusterSecret"],
            });
            builder.Services.AddHostedService<DevelopmentBanner>();
        }

        builder.Services.AddSingleton(sp => new ApiKeyAuthority(Encoding.UTF8.GetBytes(sp.GetRequiredService<IOptions<SecurityOptions>>().Value.ClusterSecret)));
        return builder;
    }
}
