using System.Net;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>Reading an answer's status the way a client of Buckets does.</summary>
public static class StatusCodes
{
    /// <summary>True for a 2xx: the write was acknowledged.</summary>
    public static bool IsAcknowledged(this HttpStatusCode status) => (int)status is >= 200 and <= 299;
}
