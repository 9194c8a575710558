using MiniMesos.Net.Http.Server;

namespace MiniMesos.Net.Http;

/// <summary>An answer with a status and no body (204 after a delete, 202 for a Marathon restart).</summary>
internal sealed class StatusResult(int status) : IResult
{
    public Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
