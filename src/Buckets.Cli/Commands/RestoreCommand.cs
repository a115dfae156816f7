using System.CommandLine;
using System.Globalization;

namespace Buckets.Cli.Commands;

/// <summary><c>buckets restore BUCKET [--seq N | --at TIME]</c>: restores a bucket in the running cluster from its backup.</summary>
internal static class RestoreCommand
{
    public static Command Create()
    {
        var bucket = new Argument<string>("bucket-id") { Description = "The bucket (API key id) to restore" };
        var seq = CommonOptions.Seq();
        var at = CommonOptions.At();
        var server = CommonOptions.Server();
        var adminToken = CommonOptions.AdminToken();
        var command = new Command("restore", "Restore a bucket in the running cluster to a change number or a point in time (latest by default)") { bucket, seq, at, server, adminToken };
        command.Validators.Add(result =>
        {
            if (result.GetValue(seq) is not null && result.GetValue(at) is not null)
            {
                result.AddError("Give either --seq or --at, not both.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var query = parse.GetValue(seq) is { } n ? $"?seq={n}"
                : parse.GetValue(at) is { } time ? $"?at={Uri.EscapeDataString(time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}"
                : "";
            using var http = AdminHttp.Create(parse.GetValue(server)!, parse.GetValue(adminToken)!);
            using var response = await http.PostAsync($"/admin/buckets/{Uri.EscapeDataString(parse.GetValue(bucket)!)}/restore{query}", null, cancellationToken);
            return await AdminHttp.PrintAsync(response, cancellationToken);
        });
        return command;
    }
}
