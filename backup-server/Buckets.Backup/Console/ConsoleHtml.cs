using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Buckets.Backup.Console;

/// <summary>The console's HTML: one plain layout, no script, no external resource, every control reachable by keyboard.</summary>
internal static class ConsoleHtml
{
    private const string Style = """
        body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
        header{background:#1f3a5f;color:#fff;padding:.5rem 1rem;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
        header a{color:#fff;text-decoration:none;padding:.2rem .4rem;border-radius:3px}
        header a[aria-current]{background:#3d6394}
        header form{margin-left:auto}
        main{padding:1rem;max-width:1200px}
        a{color:#1f4f8f}
        :focus-visible{outline:3px solid #f5a623;outline-offset:2px}
        table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0}
        th,td{border:1px solid #d0d5dd;padding:.25rem .5rem;text-align:left;vertical-align:top}
        th{background:#eef1f5}
        td.num{text-align:right;font-variant-numeric:tabular-nums}
        code,td.mono{font-family:ui-monospace,monospace;font-size:13px;word-break:break-all}
        form.filters{display:flex;gap:.75rem;flex-wrap:wrap;align-items:end;margin:.5rem 0}
        label{display:flex;flex-direction:column;font-size:13px}
        input,button,select{font:inherit;padding:.25rem .4rem}
        button{cursor:pointer}
        .danger{background:#b42318;color:#fff;border:0;border-radius:3px;padding:.35rem .8rem}
        .note{color:#555}
        .error{color:#b42318}
        .pager{display:flex;gap:1rem;margin:.5rem 0}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;color:#000;padding:.25rem}
        svg{background:#fff;border:1px solid #d0d5dd}
        """;

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static string E(string? text) => Encoder.Encode(text ?? "");

    public static string U(string text) => Uri.EscapeDataString(text);

    public static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture) ?? "";

    public static string Num(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:0.0} MiB",
        _ => $"{bytes / 1024.0 / 1024 / 1024:0.00} GiB",
    };

    /// <summary>The hidden anti-forgery field every form posts.</summary>
    public static string Antiforgery(HttpContext http)
    {
        var tokens = http.RequestServices.GetService(typeof(IAntiforgery)) is IAntiforgery antiforgery ? antiforgery.GetAndStoreTokens(http) : null;
        return tokens is null ? "" : $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";
    }

    /// <summary>A whole page: navigation (when signed in), title and body.</summary>
    public static IResult Page(HttpContext http, string title, string current, string body, bool signedIn = true, int status = StatusCodes.Status200OK)
    {
        var html = new StringBuilder(body.Length + 4096);
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" · Buckets console</title><style>").Append(Style).Append("</style></head><body>")
            .Append("<a class=\"skip\" href=\"#main\">Skip to content</a><header><strong>Buckets console</strong>");
        if (signedIn)
        {
            html.Append("<nav aria-label=\"Console\">");
            foreach (var (name, href) in new[] { ("Buckets", "/console"), ("Health", "/console/health") })
            {
                html.Append("<a href=\"").Append(href).Append('"').Append(name == current ? " aria-current=\"page\"" : "").Append('>').Append(name).Append("</a> ");
            }

            html.Append("</nav><form method=\"post\" action=\"/console/sign-out\">").Append(Antiforgery(http)).Append("<button type=\"submit\">Sign out</button></form>");
        }

        html.Append("</header><main id=\"main\"><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>");
        http.Response.Headers.CacheControl = "no-store";
        // No script, style only from this page, no frames: the console needs nothing else.
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
