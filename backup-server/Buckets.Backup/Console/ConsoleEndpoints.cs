using Buckets.Hosting.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Buckets.Backup.Console.ConsoleHtml;

namespace Buckets.Backup.Console;

/// <summary>
/// <c>/console</c>: the operators' and accountants' web pages over the backup store, on the internal
/// port only. Signing in takes the admin token once (a form, never a URL) and sets a session cookie;
/// every other page without a session redirects to the sign-in form and shows nothing of a bucket.
/// Every form carries an anti-forgery token, checked before the form is acted on.
/// </summary>
public static class ConsoleEndpoints
{
    public const string SignInPath = "/console/sign-in";

    public static IHostApplicationBuilder AddBucketsConsole(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(ConsoleSessions)))
        {
            return builder;
        }

        services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ConsoleSessions>();
        services.AddSingleton<ConsoleSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<ConsoleSampler>());
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "buckets-console-af";
            options.Cookie.Path = ConsoleSessions.CookiePath;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.FormFieldName = "__af";
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapBucketsConsole(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/console").OnInternalSurface().ExcludeFromDescription();
        open.MapGet("/sign-in", (HttpContext http) => SignInPage(http, null));
        open.MapPost("/sign-in", SignInAsync);

        var pages = app.MapGroup("/console").OnInternalSurface().ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!http.RequestServices.GetRequiredService<ConsoleSessions>().IsSignedIn(http))
            {
                return Results.Redirect(SignInPath);
            }

            if (HttpMethods.IsPost(http.Request.Method) && !await IsValidFormAsync(http))
            {
                return Page(http, "Refused", "", "<p class=\"error\">The form's anti-forgery token is missing or wrong; reload the page and try again.</p>", status: StatusCodes.Status400BadRequest);
            }

            return await next(context);
        });
        pages.MapPost("/sign-out", (HttpContext http, ConsoleSessions sessions) =>
        {
            sessions.SignOut(http);
            return Results.Redirect(SignInPath);
        });
        ConsoleBucketPages.Map(pages);
        ConsoleHealthPage.Map(pages);
        return app;
    }

    private static IResult SignInPage(HttpContext http, string? error, int status = StatusCodes.Status200OK) => Page(http, "Sign in", "", $"""
        {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
        <form method="post" action="{SignInPath}">
          {Antiforgery(http)}
          <label>Admin token <input type="password" name="token" autocomplete="current-password" required autofocus size="70"></label>
          <p><button type="submit">Sign in</button></p>
        </form>
        <p class="note">The token is checked once; the browser keeps only a session cookie (HttpOnly, SameSite=Strict) that ends after a while unused.</p>
        """, signedIn: false, status: status);

    private static async Task<IResult> SignInAsync(HttpContext http, ConsoleSessions sessions, AuthFailureLimiter failures, IOptions<SecurityOptions> security)
    {
        if (!await IsValidFormAsync(http))
        {
            return SignInPage(http, "The form expired; please sign in again.", StatusCodes.Status400BadRequest);
        }

        var address = http.Connection.RemoteIpAddress;
        if (failures.IsBlocked(address))
        {
            return SignInPage(http, "Too many failed sign-ins from this address; wait a minute.", StatusCodes.Status429TooManyRequests);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (!new SharedSecret(security.Value.AdminToken).Matches(form["token"].ToString()))
        {
            failures.RecordFailure(address);
            return SignInPage(http, "That is not the admin token.", StatusCodes.Status401Unauthorized);
        }

        sessions.SignIn(http);
        return Results.Redirect("/console");
    }

    private static async Task<bool> IsValidFormAsync(HttpContext http)
    {
        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }
}
