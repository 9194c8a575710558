namespace MiniMesos.Net.Http.Server;

/// <summary>The methods the API distinguishes (HTTP methods are case-sensitive).</summary>
internal static class HttpMethods
{
    public const string Get = "GET";
    public const string Head = "HEAD";
    public const string Post = "POST";
    public const string Put = "PUT";
    public const string Delete = "DELETE";

    public static bool IsGet(string method) => method == Get;
    public static bool IsHead(string method) => method == Head;
    public static bool IsPost(string method) => method == Post;
}
