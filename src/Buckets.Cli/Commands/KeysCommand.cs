using System.CommandLine;
using System.Net.Http.Json;
using System.Text;
using Buckets.Core.Security;

namespace Buckets.Cli.Commands;

/// <summary><c>buckets keys mint</c>: mints an API key through a silo's admin endpoint, or offline from the cluster secret.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var id = new Option<string?>("--id") { Description = "The key id (a-z, 0-9, '-', '_'; random when omitted)" };
        var server = CommonOptions.Server();
        var adminToken = CommonOptions.AdminToken();
        var clusterSecret = new Option<string?>("--cluster-secret") { Description = "Mint offline with the cluster secret instead of calling a silo" };
        var mint = new Command("mint", "Mint an API key") { id, server, adminToken, clusterSecret };
        mint.SetAction(async (parse, cancellationToken) =>
        {
            var keyId = parse.GetValue(id) ?? ApiKeyAuthority.NewId();
            if (!ApiKeyAuthority.IsValidId(keyId))
            {
                Console.Error.WriteLine("error: a key id is 1 to 64 characters of a-z, 0-9, '-' and '_'.");
                return 2;
            }

            if (parse.GetValue(clusterSecret) is { Length: > 0 } secret)
            {
                Console.WriteLine(new ApiKeyAuthority(Encoding.UTF8.GetBytes(secret)).Mint(keyId));
                return 0;
            }

            using var http = AdminHttp.Create(parse.GetValue(server)!, parse.GetValue(adminToken)!);
            using var response = await http.PostAsJsonAsync("/admin/keys", new { id = keyId }, cancellationToken);
            return await AdminHttp.PrintAsync(response, cancellationToken);
        });
        return new Command("keys", "Manage API keys") { mint };
    }
}
