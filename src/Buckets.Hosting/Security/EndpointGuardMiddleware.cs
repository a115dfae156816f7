using System.Globalization;
using Buckets.Hosting.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Buckets.Hosting.Security;

/// <summary>
/// The one gate of both programs, run after routing and before any endpoint: the endpoint's surface
/// (internal endpoints answer 404 on the public port), its credential (401, or 429 for an address
/// that failed too often) and its body limit (413 on Content-Length), all before a byte of the body
/// is read or bound. Lighter than the authentication framework: no principal is built on the hot path.
/// </summary>
public sealed class EndpointGuardMiddleware(
    RequestDelegate next,
    HttpSurfaces surfaces,
    AuthFailureLimiter failures,
    InternalToken internalToken,
    IOptions<SecurityOptions> security,
    IApiKeyValidator? apiKeys = null)
{
    private readonly SharedSecret _adminToken = new(security.Value.AdminToken);

    public Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata is null)
        {
            return next(context);
        }

        if (surfaces.Separated && metadata.GetMetadata<InternalSurfaceAttribute>() is not null && !surfaces.IsInternal(context))
        {
            return Problems.Make(StatusCodes.Status404NotFound, "not-found", "Not found.", "This endpoint is not served on this port.").ExecuteAsync(context);
        }

        if (metadata.GetMetadata<RequireCredentialAttribute>() is { } required && Refuse(context, required.Credential) is { } refusal)
        {
            return refusal.ExecuteAsync(context);
        }

        if (metadata.GetMetadata<IRequestSizeLimitMetadata>() is { MaxRequestBodySize: { } limit })
        {
            if (context.Request.ContentLength > limit)
            {
                return Problems.TooLarge($"This endpoint takes a body of at most {limit} bytes.").ExecuteAsync(context);
            }

            // Also stops a body without Content-Length at the same size while it is read.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }
        }

        return next(context);
    }

    private Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Refuse(HttpContext context, Credential credential)
    {
        var address = context.Connection.RemoteIpAddress;
        if (failures.IsBlocked(address))
        {
            return TooManyFailures(context);
        }

        var token = BearerToken.From(context.Request);
        switch (credential)
        {
            case Credential.ApiKey when apiKeys is not null && apiKeys.TryValidate(token, out var bucketId):
                BucketCaller.Set(context, bucketId);
                return null;
            case Credential.AdminToken when _adminToken.Matches(token):
            case Credential.InternalToken when internalToken.Matches(token):
                return null;
        }

        if (failures.RecordFailure(address))
        {
            return TooManyFailures(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Unauthorized(credential switch
        {
            Credential.ApiKey => "Send a valid API key as 'Authorization: Bearer <id>.<secret>'.",
            Credential.AdminToken => "Send the admin token as 'Authorization: Bearer <token>'.",
            _ => "Send the cluster's internal token.",
        });
    }

    private Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooManyFailures(HttpContext context)
    {
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(failures.Window.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.Make(
            StatusCodes.Status429TooManyRequests,
            "too-many-failed-authentications",
            "Too many failed authentications.",
            $"This address failed to authenticate too often; try again after {failures.Window.TotalSeconds:0} seconds.");
    }
}
