using System.Net;
using System.Text.RegularExpressions;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary>
/// <c>/console</c> on the development host (which hosts the backup service): refused without
/// sign-in, the token only through the form, anti-forgery on every form. The pages themselves are
/// driven in a real browser by the end-to-end ConsoleBrowserTests.
/// </summary>
[Collection(BucketsApiGroup.Name)]
public sealed partial class ConsoleTests(BucketsApiFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/health")]
    [InlineData("/console/buckets/alice")]
    [InlineData("/console/buckets/alice/state?seq=1")]
    [InlineData("/console/buckets/alice/history.csv")]
    [InlineData("/console/buckets/alice/files/changes-000000000001-open-20261201T000000Z.englang")]
    public async Task EveryConsolePageWithoutSignInRedirectsToTheSignInForm(string path)
    {
        using var client = NoRedirects();

        using var response = await client.GetAsync(KeysApi.Relative(path), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/sign-in", response.Headers.Location?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task TheAdminTokenInAQueryOrHeaderDoesNotSignIn()
    {
        using var client = NoRedirects();
        using var request = new HttpRequestMessage(HttpMethod.Get, KeysApi.Relative("/console?token=" + BucketsApiFactory.AdminToken));
        request.Headers.Authorization = new("Bearer", BucketsApiFactory.AdminToken);

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task SignInWithoutTheAntiforgeryTokenIsRefusedAndWithItSetsAStrictHttpOnlyCookie()
    {
        using var client = NoRedirects();
        using var forged = await client.PostAsync(KeysApi.Relative("/console/sign-in"), new FormUrlEncodedContent([new("token", BucketsApiFactory.AdminToken)]), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(forged.Headers.TryGetValues("Set-Cookie", out var none) && none.Any(c => c.StartsWith("buckets-console=", StringComparison.Ordinal)));

        var (signedIn, cookie) = await SignInAsync(client, BucketsApiFactory.AdminToken);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(BucketsApiFactory.AdminToken, cookie, StringComparison.Ordinal);
        using var wrong = (await SignInAsync(client, "wrong")).Response;
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task ASignedInSessionSeesTheBucketsAndAFormPostedWithoutItsTokenIsRefused()
    {
        using var client = NoRedirects();
        var (response, cookie) = await SignInAsync(client, BucketsApiFactory.AdminToken);
        response.Dispose();
        var session = cookie.Split(';')[0];

        using var list = new HttpRequestMessage(HttpMethod.Get, KeysApi.Relative("/console"));
        list.Headers.Add("Cookie", session);
        using var page = await client.SendAsync(list, Ct);
        using var signOut = new HttpRequestMessage(HttpMethod.Post, KeysApi.Relative("/console/sign-out")) { Content = new FormUrlEncodedContent([]) };
        signOut.Headers.Add("Cookie", session);
        using var refused = await client.SendAsync(signOut, Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<h1>Buckets</h1>", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private HttpClient NoRedirects() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = factory.ClientOptions.BaseAddress };

    /// <summary>Posts the sign-in form as a browser would: its anti-forgery field and cookie from the GET.</summary>
    private static async Task<(HttpResponseMessage Response, string Cookie)> SignInAsync(HttpClient client, string token)
    {
        using var form = await client.GetAsync(KeysApi.Relative("/console/sign-in"), Ct);
        var html = await form.Content.ReadAsStringAsync(Ct);
        var field = AntiforgeryField().Match(html);
        Assert.True(field.Success, "the sign-in form has no anti-forgery field");
        var antiforgeryCookie = form.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("buckets-console-af=", StringComparison.Ordinal)).Split(';')[0];
        using var post = new HttpRequestMessage(HttpMethod.Post, KeysApi.Relative("/console/sign-in"))
        {
            Content = new FormUrlEncodedContent([new("token", token), new(field.Groups[1].Value, WebUtility.HtmlDecode(field.Groups[2].Value))]),
        };
        post.Headers.Add("Cookie", antiforgeryCookie);
        var response = await client.SendAsync(post, Ct);
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault(c => c.StartsWith("buckets-console=", StringComparison.Ordinal)) ?? "" : "";
        return (response, cookie);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\">")]
    private static partial Regex AntiforgeryField();
}
