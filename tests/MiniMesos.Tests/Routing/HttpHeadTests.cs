using System.Text;
using MiniMesos.Core.Routing;
using Xunit;

namespace MiniMesos.Tests.Routing;

public sealed class HttpHeadTests
{
    private static (HttpHead.Result, string?) Read(string text)
    {
        var result = HttpHead.TryReadHost(Encoding.ASCII.GetBytes(text), out var host);
        return (result, host);
    }

    [Fact]
    public void ReadsTheHostWithoutPortCaseOrTrailingDot()
    {
        Assert.Equal((HttpHead.Result.Complete, "web.home.arpa"), Read("GET / HTTP/1.1\r\nUser-Agent: x\r\nhOsT:  Web.Home.Arpa.:8080 \r\n\r\n"));
        Assert.Equal((HttpHead.Result.NeedMore, null), Read("GET / HTTP/1.1\r\nHost: web"));
        Assert.Equal((HttpHead.Result.Complete, null), Read("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"));
    }

    [Fact]
    public void MalformedOrOversizedHeadsAreInvalid()
    {
        Assert.Equal(HttpHead.Result.Invalid, Read("GET / HTTP/1.1\r\nHost: a b\r\n\r\n").Item1);
        Assert.Equal(HttpHead.Result.Invalid, Read("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n").Item1);
        Assert.Equal(HttpHead.Result.Invalid, Read("\r\n\r\n").Item1);
        Assert.Equal(HttpHead.Result.Invalid, Read("GET / HTTP/1.1\r\nX: " + new string('a', HttpHead.MaxHeadBytes)).Item1);
    }
}
