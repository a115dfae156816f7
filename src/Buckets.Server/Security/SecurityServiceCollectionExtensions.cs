using System.Text;
using Buckets.Cluster;
using Buckets.Core.Security;
using Buckets.Hosting;
using Buckets.Hosting.Security;
using Buckets.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Security;

/// <summary>DI wiring of API keys (signing, validation, revocation), the tokens and development secrets.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Registers the secrets and API-key validation. In the development profile, secrets left
    /// unset are generated once and kept under the data directory, and revocations are kept there
    /// too; the Cluster profile keeps revocations in PostgreSQL and requires every secret from
    /// configuration.
    /// </summary>
    public static IHostApplicationBuilder AddBucketsSecurity(this IHostApplicationBuilder builder)
    {
        var hosting = builder.Configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
        if (hosting.Profile == HostingProfile.Development)
        {
            AddDevelopmentSecrets(builder, hosting);
        }

        var services = builder.Services;
        // The tokens are checked by AddBucketsHttp (both programs); only silos hold signing secrets.
        builder.AddBucketsHttp();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityOptions>, SigningKeysValidator>());
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(sp => CreateAuthority(sp.GetRequiredService<IOptions<SecurityOptions>>().Value));
        if (hosting.Profile == HostingProfile.Cluster)
        {
            services.AddSingleton<IRevocationStore>(sp =>
                new PostgresRevocationStore(sp.GetRequiredService<IOptions<PostgresClusterOptions>>().Value.PostgresConnectionString));
        }
        else
        {
            services.AddSingleton<IRevocationStore>(sp =>
                new FileRevocationStore(sp.GetRequiredService<IOptions<HostingOptions>>().Value.DataDirectory, sp.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton(sp => new RevocationList(
            sp.GetRequiredService<IRevocationStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<ApiKeyOptions>>().Value.RevocationMaxStaleness));
        // ApiKeyValidator (IApiKeyValidator) is registered with the API (AddBucketsApi).
        services.AddHostedService<RevocationRefresher>();
        services.AddHealthChecks().AddCheck<RevocationListHealthCheck>("api-key-revocations", tags: [BucketsHostingExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// The authority of the configured signing secrets (options already validated): each secret's
    /// decoded bytes, and the cluster secret's text for keys minted before key ids existed.
    /// </summary>
    public static ApiKeyAuthority CreateAuthority(SecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keys = options.AllSigningKeys().Select(pair => new SigningKey(pair.Key, SecretRules.Decode(pair.Value)));
        var legacy = string.IsNullOrWhiteSpace(options.ClusterSecret) ? null : Encoding.UTF8.GetBytes(options.ClusterSecret);
        return new ApiKeyAuthority(keys, options.EffectiveSigningKey(), legacy);
    }

    private static void AddDevelopmentSecrets(IHostApplicationBuilder builder, HostingOptions hosting)
    {
        var section = builder.Configuration.GetSection(SecurityOptions.SectionName);
        var hasSigningKey = !string.IsNullOrEmpty(section[nameof(SecurityOptions.ClusterSecret)])
            || section.GetSection(nameof(SecurityOptions.SigningKeys)).GetChildren().Any();
        var missing = new List<string>();
        if (string.IsNullOrEmpty(section[nameof(SecurityOptions.AdminToken)]))
        {
            missing.Add(nameof(SecurityOptions.AdminToken));
        }

        if (string.IsNullOrEmpty(section[nameof(SecurityOptions.InternalToken)]))
        {
            missing.Add(nameof(SecurityOptions.InternalToken));
        }

        if (!hasSigningKey)
        {
            missing.Add(nameof(SecurityOptions.ClusterSecret));
        }

        if (missing.Count == 0)
        {
            return;
        }

        var generated = DevelopmentSecrets.LoadOrCreate(hosting.DataDirectory);
        var values = new Dictionary<string, string>
        {
            [nameof(SecurityOptions.AdminToken)] = generated.AdminToken,
            [nameof(SecurityOptions.InternalToken)] = generated.InternalToken,
            [nameof(SecurityOptions.ClusterSecret)] = generated.ClusterSecret,
        };
        builder.Configuration.AddInMemoryCollection(missing.Select(name => new KeyValuePair<string, string?>($"{SecurityOptions.SectionName}:{name}", values[name])));
        if (missing.Contains(nameof(SecurityOptions.AdminToken)))
        {
            builder.Services.AddHostedService<DevelopmentBanner>();
        }
    }
}
