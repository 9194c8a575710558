using System.Text;
using MiniMesos.Core.Isolation;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.Security;

/// <summary>Values execve cannot pass are refused by every API that accepts a command, naming the field (pure parsers).</summary>
public sealed class LaunchTextTests
{
    [Fact]
    public void NulBytesEmptyOrEqualsNamesAndOverlongStringsAreRefusedNamingTheField()
    {
        Assert.Null(LaunchText.Invalid("echo hi", null, new Dictionary<string, string> { ["A"] = "b" }, "nobody"));
        Assert.Equal("cmd", LaunchText.Invalid("echo \0hi", null, null, null)?.Field);
        Assert.Equal("args[1]", LaunchText.Invalid(null, ["echo", "a\0"], null, null)?.Field);
        Assert.Equal("env.X", LaunchText.Invalid(null, ["true"], new Dictionary<string, string> { ["X"] = "a\0b" }, null)?.Field);
        Assert.Equal("env.A=B", LaunchText.Invalid(null, ["true"], new Dictionary<string, string> { ["A=B"] = "c" }, null)?.Field);
        Assert.Equal("env", LaunchText.Invalid(null, ["true"], new Dictionary<string, string> { [""] = "c" }, null)?.Field);
        Assert.Equal("env.\\u0000", LaunchText.Invalid(null, ["true"], new Dictionary<string, string> { ["\0"] = "c" }, null)?.Field);
        Assert.Equal("user", LaunchText.Invalid(null, ["true"], null, "no\0body")?.Field);
        Assert.Equal("args[0]", LaunchText.Invalid(null, [new string('x', 200_000)], null, null)?.Field);
        var many = Enumerable.Range(0, 20).Select(_ => new string('x', 100_000)).ToList();
        Assert.Contains("exceed", LaunchText.Invalid(null, many, null, null)?.Reason);
    }

    [Theory]
    [InlineData("""{"cmd": "echo \u0000x"}""", "cmd")]
    [InlineData("""{"args": ["echo", "a\u0000"]}""", "args[1]")]
    [InlineData("""{"cmd": "true", "env": {"X": "a\u0000b"}}""", "env.X")]
    public void TasksApiRefusesThem(string body, string field) =>
        Assert.Equal(field, TaskRequestParser.Parse(Encoding.UTF8.GetBytes(body)).Error?.Field);

    [Theory]
    [InlineData("""{"id": "/nul", "cmd": "echo \u0000x"}""", "cmd")]
    [InlineData("""{"id": "/nul", "args": ["echo", "a\u0000"]}""", "args[1]")]
    [InlineData("""{"id": "/nul", "cmd": "true", "env": {"X": "a\u0000b"}}""", "env.X")]
    [InlineData("""{"id": "/nul", "cmd": "true", "env": {"A=B": "c"}}""", "A=B")]
    public void AppsApiRefusesThem(string body, string field)
    {
        var parsed = MarathonAppParser.Parse(Encoding.UTF8.GetBytes(body), null, null);
        Assert.Null(parsed.App);
        Assert.Contains(parsed.Errors, e => e.Path.Contains(field, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"id": "nul", "cmd": "echo \u0000x"}""", "cmd")]
    [InlineData("""{"id": "nul", "cmd": "true", "env": {"X": "a\u0000b"}}""", "env.X")]
    public void JobsApiRefusesThem(string body, string field)
    {
        var (job, error) = JobRequestParser.Parse(Encoding.UTF8.GetBytes(body), null, 0);
        Assert.Null(job);
        Assert.Equal(field, error?.Field);
    }
}
