using System.Text;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.Http;

public sealed class TaskRequestParserTests
{
    private static (Core.Model.TaskSpec?, ApiError?) Parse(string json) => TaskRequestParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void ShellCommandBecomesShC()
    {
        var (spec, error) = Parse("""{"cmd":"echo hi; exit 3","cpus":0.5,"mem":128,"name":"hello","env":{"A":"1"}}""");
        Assert.Null(error);
        Assert.Equal(["/bin/sh", "-c", "echo hi; exit 3"], spec!.Argv);
        Assert.Equal(0.5, spec.Resources.Cpus);
        Assert.Equal(128, spec.Resources.MemMb);
        Assert.Equal("hello", spec.Name);
        Assert.Equal("1", spec.Env["A"]);
    }

    [Fact]
    public void DefaultsApply()
    {
        var (spec, error) = Parse("""{"args":["true"]}""");
        Assert.Null(error);
        Assert.Equal(TaskRequestParser.DefaultCpus, spec!.Resources.Cpus);
        Assert.Equal(TaskRequestParser.DefaultMemMb, spec.Resources.MemMb);
    }

    [Theory]
    [InlineData("[]", "", "the body must be a JSON object")]
    [InlineData("{", "", "the body is not valid JSON")]
    [InlineData("""{"args":["x"],"cmd":"y"}""", "cmd", "give exactly one of")]
    [InlineData("""{}""", "cmd", "give exactly one of")]
    [InlineData("""{"cmd":""}""", "cmd", "must be a non-empty string")]
    [InlineData("""{"args":[]}""", "args", "must be a non-empty array")]
    [InlineData("""{"args":["a",1]}""", "args[1]", "must be a string")]
    [InlineData("""{"args":["x"],"cpus":0}""", "cpus", "must be between")]
    [InlineData("""{"args":["x"],"cpus":"1"}""", "cpus", "must be a number")]
    [InlineData("""{"args":["x"],"mem":1.5}""", "mem", "whole number")]
    [InlineData("""{"args":["x"],"name":"../etc"}""", "name", "must be 1-64 characters")]
    [InlineData("""{"args":["x"],"env":{"1A":"x"}}""", "env.1A", "not a valid variable name")]
    [InlineData("""{"args":["x"],"env":{"A":1}}""", "env.A", "must be a string")]
    [InlineData("""{"args":["x"],"instances":3}""", "instances", "unknown field")]
    public void BadInputNamesTheFieldAndReason(string json, string field, string reason)
    {
        var (spec, error) = Parse(json);
        Assert.Null(spec);
        Assert.NotNull(error);
        Assert.Equal(field, error!.Field);
        Assert.Contains(reason, error.Reason);
        Assert.Contains(reason, error.Error);
    }
}
