using Npgsql;

namespace Buckets.Cluster.Tests.Infrastructure;

/// <summary>Plain SQL against a test database, for arranging and inspecting what the providers did.</summary>
public static class Db
{
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<T>> RowsAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> map, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>(port, status) of every silo row of a cluster.</summary>
    public static Task<List<(int Port, int Status)>> MembersAsync(string connectionString, string clusterId) =>
        RowsAsync(
            connectionString,
            "SELECT port, status FROM buckets_membership WHERE deployment_id = @cluster ORDER BY port",
            r => (r.GetInt32(0), r.GetInt32(1)),
            ("cluster", clusterId));
}
