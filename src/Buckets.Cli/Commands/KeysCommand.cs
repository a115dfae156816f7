using System.CommandLine;
using System.Net.Http.Json;
using Buckets.Core.Security;
using Buckets.Hosting.Security;

namespace Buckets.Cli.Commands;

/// <summary>
/// <c>buckets keys mint</c> mints an API key through a silo's admin endpoint, or offline from a
/// signing secret; <c>buckets keys revoke</c> revokes every key of a bucket issued so far.
/// </summary>
internal static class KeysCommand
{
    private const string InvalidId = "error: a key id is 1 to 64 characters of a-z, 0-9, '-' and '_'.";

    public static Command Create() => new("keys", "Manage API keys") { Mint(), Revoke() };

    private static Command Mint()
    {
        var id = new Option<string?>("--id") { Description = "The key id (a-z, 0-9, '-', '_'; random when omitted)" };
        var server = CommonOptions.Server();
        var adminToken = CommonOptions.AdminToken();
        var clusterSecret = new Option<string?>("--cluster-secret")
        {
            Description = "Mint offline with this signing secret (the cluster secret, or the one of --kid) instead of calling a silo",
        };
        var kid = new Option<string>("--kid")
        {
            Description = "Offline: the key id of the signing secret (default 0, the cluster secret's)",
            DefaultValueFactory = _ => ApiKeyAuthority.LegacyKeyId,
        };
        var serial = new Option<long>("--serial")
        {
            Description = "Offline: the key's serial (default 0); after a revocation, the firstValidSerial it answered",
        };
        var mint = new Command("mint", "Mint an API key") { id, server, adminToken, clusterSecret, kid, serial };
        mint.SetAction(async (parse, cancellationToken) =>
        {
            var keyId = parse.GetValue(id) ?? ApiKeyAuthority.NewId();
            if (!ApiKeyAuthority.IsValidId(keyId))
            {
                Console.Error.WriteLine(InvalidId);
                return 2;
            }

            if (parse.GetValue(clusterSecret) is { Length: > 0 } secret)
            {
                return MintOffline(keyId, secret, parse.GetValue(kid)!, parse.GetValue(serial));
            }

            using var http = AdminHttp.Create(parse.GetValue(server)!, parse.GetValue(adminToken)!);
            using var response = await http.PostAsJsonAsync("/admin/keys", new { id = keyId }, cancellationToken);
            return await AdminHttp.PrintAsync(response, cancellationToken);
        });
        return mint;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("id") { Description = "The key id (bucket) whose keys to revoke" };
        var server = CommonOptions.Server();
        var adminToken = CommonOptions.AdminToken();
        var revoke = new Command("revoke", "Revoke every API key of a bucket issued so far (mint again for a new one)") { id, server, adminToken };
        revoke.SetAction(async (parse, cancellationToken) =>
        {
            var keyId = parse.GetValue(id)!;
            if (!ApiKeyAuthority.IsValidId(keyId))
            {
                Console.Error.WriteLine(InvalidId);
                return 2;
            }

            using var http = AdminHttp.Create(parse.GetValue(server)!, parse.GetValue(adminToken)!);
            using var response = await http.PostAsync(new Uri($"/admin/keys/{keyId}/revoke", UriKind.Relative), content: null, cancellationToken);
            return await AdminHttp.PrintAsync(response, cancellationToken);
        });
        return revoke;
    }

    private static int MintOffline(string keyId, string secret, string kid, long serial)
    {
        if (!ApiKeyAuthority.IsValidKeyId(kid) || serial < 0)
        {
            Console.Error.WriteLine($"error: --kid is 1 to {ApiKeyAuthority.MaxKeyIdLength} of a-z and 0-9, and --serial is 0 or more.");
            return 2;
        }

        if (!SecretRules.TryDecode(secret, out var bytes, out var problem))
        {
            Console.Error.WriteLine($"error: the signing secret {problem}.");
            return 2;
        }

        Console.WriteLine(new ApiKeyAuthority([new SigningKey(kid, bytes)], kid).Mint(keyId, serial));
        return 0;
    }
}
