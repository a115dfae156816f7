using System.Text;

namespace Buckets.Server.Tests.Infrastructure;

/// <summary>A strict RFC 4180 reader for checking CSV answers: CRLF rows, quoted fields, doubled quotes.</summary>
public static class CsvRows
{
    /// <summary>The rows of <paramref name="csv"/>; fails on a bare LF outside quotes or a stray quote.</summary>
    public static List<string[]> Parse(string csv)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < csv.Length)
        {
            if (csv[i] == '"' && field.Length == 0)
            {
                i++;
                while (true)
                {
                    Assert.True(i < csv.Length, "unterminated quoted field");
                    if (csv[i] == '"')
                    {
                        if (i + 1 < csv.Length && csv[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(csv[i++]);
                }

                Assert.True(i == csv.Length || csv[i] is ',' or '\r', $"text after a closing quote at {i}");
                continue;
            }

            switch (csv[i])
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    i++;
                    break;
                case '\r':
                    Assert.True(i + 1 < csv.Length && csv[i + 1] == '\n', $"CR without LF at {i}");
                    fields.Add(field.ToString());
                    field.Clear();
                    rows.Add([.. fields]);
                    fields.Clear();
                    i += 2;
                    break;
                case '\n':
                    Assert.Fail($"bare LF outside quotes at {i}");
                    break;
                case '"':
                    Assert.Fail($"quote inside an unquoted field at {i}");
                    break;
                default:
                    field.Append(csv[i++]);
                    break;
            }
        }

        Assert.True(field.Length == 0 && fields.Count == 0, "the last row does not end with CRLF");
        return rows;
    }
}
