using System.Buffers;
using System.Globalization;
using System.Text;
using Buckets.Abstractions.Commands;
using Buckets.Core;
using Buckets.Resp.Commands;
using Buckets.Resp.Protocol;

namespace Buckets.Resp;

/// <summary>The commands about the connection and the server, answered without the bucket (INFO's keyspace aside).</summary>
internal sealed partial class RespSession
{
    /// <summary>The Redis version reported to clients, whose feature checks (SCAN, GETEX, SET ... GET) need 7.</summary>
    private const string RedisVersion = "7.2.0";

    private static readonly HashSet<string> ConnectionCommands =
        ["AUTH", "HELLO", "PING", "ECHO", "QUIT", "RESET", "SELECT", "CLIENT", "COMMAND", "INFO", "TIME", "CONFIG", "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE"];

    /// <summary>What CONFIG GET answers: the settings clients and redis-benchmark ask for at connect.</summary>
    private static readonly (string Name, string Value)[] ConfigValues =
        [("databases", "1"), ("save", ""), ("appendonly", "no"), ("maxmemory", "0"), ("maxmemory-policy", "noeviction")];

    private static bool IsConnectionCommand(string name) => ConnectionCommands.Contains(name);

    private void Connection(string name, byte[][] args, IBufferWriter<byte> output)
    {
        switch (name)
        {
            case "PING" when args.Length == 1 && InSubscribedMode:
                // A subscribed RESP2 connection answers PING as a message, as Redis does.
                RespWriter.ArrayHeader(output, 2);
                RespWriter.Bulk(output, "pong");
                RespWriter.Bulk(output, "");
                break;
            case "PING" when args.Length == 1:
                RespWriter.Status(output, "PONG");
                break;
            case "PING" when args.Length == 2:
                RespWriter.Bulk(output, args[1]);
                break;
            case "ECHO" when args.Length == 2:
                RespWriter.Bulk(output, args[1]);
                break;
            case "QUIT":
                Closing = true;
                RespWriter.Ok(output);
                break;
            case "RESET":
                Reset();
                RespWriter.Status(output, "RESET");
                break;
            case "SELECT" when args.Length == 2:
                Select(args[1], output);
                break;
            case "CLIENT" when args.Length >= 2:
                Client(args, output);
                break;
            case "COMMAND":
                Command(args, output);
                break;
            case "TIME" when args.Length == 1:
                var micros = server.Time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
                RespWriter.ArrayHeader(output, 2);
                RespWriter.Bulk(output, (micros / 1_000_000).ToString(CultureInfo.InvariantCulture));
                RespWriter.Bulk(output, (micros % 1_000_000).ToString(CultureInfo.InvariantCulture));
                break;
            case "CONFIG" when args.Length >= 2:
                Config(args, output);
                break;
            case "PING" or "ECHO" or "SELECT" or "CLIENT" or "TIME" or "CONFIG":
                WrongArity(output, name.ToLowerInvariant());
                break;
            default:
                RespWriter.Error(output, UnknownCommand(args));
                break;
        }
    }

    private void Reset()
    {
        StopPump();
        _multi = null;
        _watched = null;
        _run.Clear();
        _protocol = 2;
        _name = null;
        _bucket = null;
        _bucketId = null;
        _apiKey = null;
    }

    private static void Select(byte[] index, IBufferWriter<byte> output)
    {
        if (!StringValues.TryParseInteger(index, out var db))
        {
            RespWriter.Error(output, "ERR value is not an integer or out of range");
        }
        else if (db != 0)
        {
            // One bucket per API key: database 0 is the bucket.
            RespWriter.Error(output, "ERR DB index is out of range");
        }
        else
        {
            RespWriter.Ok(output);
        }
    }

    private void Hello(byte[][] args, IBufferWriter<byte> output)
    {
        var protocol = _protocol;
        if (args.Length >= 2)
        {
            if (!StringValues.TryParseInteger(args[1], out var version))
            {
                RespWriter.Error(output, "ERR Protocol version is not an integer or out of range");
                return;
            }

            if (version is not (2 or 3))
            {
                RespWriter.Error(output, "NOPROTO unsupported protocol version");
                return;
            }

            protocol = (int)version;
        }

        string? name = null;
        for (var i = 2; i < args.Length; i++)
        {
            var option = Encoding.Latin1.GetString(args[i]).ToUpperInvariant();
            if (option == "AUTH" && i + 2 < args.Length)
            {
                if (Authenticate(args[i + 2]) is { } error)
                {
                    RespWriter.Error(output, error);
                    return;
                }

                i += 2;
            }
            else if (option == "SETNAME" && i + 1 < args.Length)
            {
                name = Encoding.UTF8.GetString(args[++i]);
            }
            else
            {
                RespWriter.Error(output, $"ERR Syntax error in HELLO option '{Encoding.Latin1.GetString(args[i])}'");
                return;
            }
        }

        if (!Authenticated)
        {
            RespWriter.Error(output, "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }

        _protocol = protocol;
        _name = name ?? _name;
        RespWriter.MapHeader(output, 7, _protocol);
        RespWriter.Bulk(output, "server");
        RespWriter.Bulk(output, "redis");
        RespWriter.Bulk(output, "version");
        RespWriter.Bulk(output, RedisVersion);
        RespWriter.Bulk(output, "proto");
        RespWriter.Number(output, _protocol);
        RespWriter.Bulk(output, "id");
        RespWriter.Number(output, id);
        RespWriter.Bulk(output, "mode");
        RespWriter.Bulk(output, "standalone");
        RespWriter.Bulk(output, "role");
        RespWriter.Bulk(output, "master");
        RespWriter.Bulk(output, "modules");
        RespWriter.ArrayHeader(output, 0);
    }

    private void Client(byte[][] args, IBufferWriter<byte> output)
    {
        var sub = Encoding.Latin1.GetString(args[1]).ToUpperInvariant();
        switch (sub)
        {
            case "SETNAME" when args.Length == 3:
                var name = Encoding.UTF8.GetString(args[2]);
                if (name.Any(c => c <= ' ' || c > '~'))
                {
                    RespWriter.Error(output, "ERR Client names cannot contain spaces, newlines or special characters.");
                    return;
                }

                _name = name.Length == 0 ? null : name;
                RespWriter.Ok(output);
                break;
            case "GETNAME" when args.Length == 2:
                if (_name is null)
                {
                    RespWriter.Null(output, _protocol);
                }
                else
                {
                    RespWriter.Bulk(output, _name);
                }

                break;
            case "ID" when args.Length == 2:
                RespWriter.Number(output, id);
                break;
            case "SETINFO" when args.Length == 4:
            case "NO-EVICT" or "NO-TOUCH" or "REPLY" when args.Length == 3:
                RespWriter.Ok(output);
                break;
            case "INFO" when args.Length == 2:
            case "LIST" when args.Length == 2:
                // Only this connection: connections of other buckets are none of a tenant's business.
                RespWriter.Bulk(output, $"id={id} addr={remote} name={_name} db=0 resp={_protocol} multi={(_multi is null ? -1 : _multi.Count)}\n");
                break;
            default:
                RespWriter.Error(output, $"ERR unknown subcommand '{Sanitize(args[1])}'. Try CLIENT HELP.");
                break;
        }
    }

    private static void Command(byte[][] args, IBufferWriter<byte> output)
    {
        var sub = args.Length > 1 ? Encoding.Latin1.GetString(args[1]).ToUpperInvariant() : "";
        var names = KeyCommands.Names.Concat(ConnectionCommands.Select(c => (Name: c, Arity: -1))).ToList();
        switch (sub)
        {
            case "":
                RespWriter.ArrayHeader(output, names.Count);
                foreach (var (name, arity) in names)
                {
                    CommandInfo(output, name, arity);
                }

                break;
            case "COUNT":
                RespWriter.Number(output, names.Count);
                break;
            case "LIST":
                RespWriter.ArrayHeader(output, names.Count);
                foreach (var (name, _) in names)
                {
                    RespWriter.Bulk(output, name.ToLowerInvariant());
                }

                break;
            case "INFO":
                RespWriter.ArrayHeader(output, args.Length - 2);
                foreach (var asked in args.Skip(2).Select(a => Encoding.Latin1.GetString(a)))
                {
                    var found = names.FirstOrDefault(n => n.Name.Equals(asked, StringComparison.OrdinalIgnoreCase));
                    if (found.Name is null)
                    {
                        RespWriter.ArrayHeader(output, -1);
                    }
                    else
                    {
                        CommandInfo(output, found.Name, found.Arity);
                    }
                }

                break;
            case "DOCS":
                // No documentation to give: an empty answer, which clients that ask at connect accept.
                RespWriter.ArrayHeader(output, 0);
                break;
            default:
                RespWriter.Error(output, $"ERR unknown subcommand '{Sanitize(args[1])}'. Try COMMAND HELP.");
                break;
        }
    }

    private static void CommandInfo(IBufferWriter<byte> output, string name, int arity)
    {
        var keyed = !ConnectionCommands.Contains(name) && name is not ("DBSIZE" or "FLUSHDB" or "FLUSHALL" or "KEYS" or "SCAN");
        RespWriter.ArrayHeader(output, 6);
        RespWriter.Bulk(output, name.ToLowerInvariant());
        RespWriter.Number(output, arity);
        RespWriter.ArrayHeader(output, 0);
        RespWriter.Number(output, keyed ? 1 : 0);
        RespWriter.Number(output, keyed ? (name is "MGET" or "DEL" or "UNLINK" or "EXISTS" or "MSET" or "MSETNX" ? -1 : name.StartsWith("RENAME", StringComparison.Ordinal) ? 2 : 1) : 0);
        RespWriter.Number(output, keyed ? (name.StartsWith("MSET", StringComparison.Ordinal) ? 2 : 1) : 0);
    }

    private static void Config(byte[][] args, IBufferWriter<byte> output)
    {
        var sub = Encoding.Latin1.GetString(args[1]).ToUpperInvariant();
        if (sub != "GET" || args.Length < 3)
        {
            RespWriter.Error(output, sub == "GET"
                ? "ERR wrong number of arguments for 'config|get' command"
                : $"ERR CONFIG {Sanitize(args[1])} is not supported: Buckets is configured through its settings (Buckets:*)");
            return;
        }

        var matches = ConfigValues.Where(c => args.Skip(2).Any(p => GlobPattern.IsMatch(p, Encoding.ASCII.GetBytes(c.Name)))).ToList();
        RespWriter.MapHeader(output, matches.Count, 2);
        foreach (var (name, value) in matches)
        {
            RespWriter.Bulk(output, name);
            RespWriter.Bulk(output, value);
        }
    }

    private async ValueTask InfoAsync(byte[][] args, IBufferWriter<byte> output)
    {
        var sections = args.Skip(1).Select(a => Encoding.Latin1.GetString(a).ToLowerInvariant()).ToHashSet();
        bool Wants(string section) => sections.Count == 0 || sections.Contains(section) || sections.Contains("all") || sections.Contains("everything") || sections.Contains("default");
        var text = new StringBuilder();
        if (Wants("server"))
        {
            var uptime = (long)(server.Time.GetUtcNow() - server.StartedAt).TotalSeconds;
            text.Append(CultureInfo.InvariantCulture, $"# Server\r\nredis_version:{RedisVersion}\r\nredis_mode:standalone\r\nbuckets_server:Buckets\r\nprocess_id:{Environment.ProcessId}\r\ntcp_port:{server.Options.Port}\r\nuptime_in_seconds:{uptime}\r\n\r\n");
        }

        if (Wants("clients"))
        {
            text.Append(CultureInfo.InvariantCulture, $"# Clients\r\nconnected_clients:{server.OpenConnections}\r\nmaxclients:{server.Options.MaxConnections}\r\n\r\n");
        }

        if (Wants("memory"))
        {
            text.Append(CultureInfo.InvariantCulture, $"# Memory\r\nused_memory:{GC.GetTotalMemory(false)}\r\nmaxmemory:0\r\n\r\n");
        }

        if (Wants("replication"))
        {
            text.Append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n");
        }

        if (Wants("keyspace"))
        {
            var (replies, failure) = await CallAsync([new KeyCommand(KeyCommandKind.Keyspace)], null);
            if (failure is not null)
            {
                RespWriter.Reply(output, failure, _protocol);
                return;
            }

            var counts = replies![0].Items!;
            text.Append("# Keyspace\r\n");
            if (counts[0].Number > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"db0:keys={counts[0].Number},expires={counts[1].Number},avg_ttl=0\r\n");
            }
        }

        RespWriter.Bulk(output, text.ToString());
    }

    /// <summary>Redis's answer to a command it does not know, naming the first arguments.</summary>
    private static string UnknownCommand(byte[][] args)
    {
        var text = new StringBuilder($"ERR unknown command '{Sanitize(args[0])}', with args beginning with: ");
        foreach (var arg in args.Skip(1).Take(16))
        {
            text.Append('\'').Append(Sanitize(arg)).Append("' ");
        }

        return text.ToString();
    }

    /// <summary>An argument quoted back in an error line: printable ASCII, at most 128 characters, as Redis does.</summary>
    private static string Sanitize(byte[] bytes)
    {
        var text = new StringBuilder(Math.Min(bytes.Length, 128));
        foreach (var b in bytes.Take(128))
        {
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : ' ');
        }

        return text.ToString();
    }
}
