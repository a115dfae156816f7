using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.OpenApi;

namespace Buckets.Hosting.OpenApi;

/// <summary>Endpoint conventions that put examples and parameter limits into the generated documents.</summary>
public static class OpenApiConventions
{
    /// <summary>
    /// Describes the request body for the documents only. <c>Accepts&lt;T&gt;</c> would also make routing
    /// refuse other content types with a bare 415 before the endpoint gate checks the credential, and
    /// the handlers give that answer themselves as problem+json.
    /// </summary>
    public static TBuilder WithRequestBody<TBuilder, TBody>(this TBuilder builder, params string[] contentTypes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(TBody), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = contentTypes.ToDictionary(type => type, _ => new OpenApiMediaType { Schema = schema }),
            };
        });

    /// <summary>An example request body (JSON text) for every content type the endpoint accepts; after <see cref="WithRequestBody{TBuilder, TBody}"/>.</summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, string json)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            {
                media.Example = JsonNode.Parse(json);
            }

            return Task.CompletedTask;
        });

    /// <summary>An example body (JSON text) of the <paramref name="status"/> response.</summary>
    public static TBuilder WithResponseExample<TBuilder>(this TBuilder builder, int status, string json)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true)
            {
                foreach (var media in response.Content?.Values ?? [])
                {
                    media.Example = JsonNode.Parse(json);
                }
            }

            return Task.CompletedTask;
        });

    /// <summary>Descriptions (meaning, limits) of named parameters; names the endpoint does not have are ignored.</summary>
    public static TBuilder WithParameterDescriptions<TBuilder>(this TBuilder builder, params (string Name, string Description)[] parameters)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameters.FirstOrDefault(p => p.Name == parameter.Name) is { Description: { } description })
                {
                    parameter.Description = description;
                }
            }

            return Task.CompletedTask;
        });

    /// <summary>A header the response carries, e.g. <c>ETag</c> or <c>Retry-After</c>.</summary>
    public static TBuilder WithResponseHeader<TBuilder>(this TBuilder builder, int status, string header, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var found) == true
                && found is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[header] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }

            return Task.CompletedTask;
        });
}
