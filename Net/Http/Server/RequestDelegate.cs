namespace MiniMesos.Net.Http.Server;

/// <summary>A request handler: the router, or the rest of the middleware after one.</summary>
internal delegate Task RequestDelegate(HttpContext context);
