namespace MiniMesos.Net.Http.Server;

/// <summary>An endpoint's answer, written by the router once the endpoint returns it.</summary>
internal interface IResult
{
    Task ExecuteAsync(HttpContext context);
}
