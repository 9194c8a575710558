using System.Text;
using System.Text.Json;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.Cli;

/// <summary>
/// The CLI's hand-written JSON for a task (TaskJson) against the source-generated context the rest of the API uses: the
/// submit's bytes are the same, and a view reads back to the same bytes. The full samples set every property, so a
/// property added to either record fails here until TaskJson handles it.
/// </summary>
public sealed class TaskJsonTests
{
    private static readonly TaskSubmitRequest FullRequest = new(
        ["/bin/sh", "-c", "echo \"quoted\" 'single' <html> & ünïcode \u2028 \u0001 tab\t"], "echo hi", "name-1", 0.25, 64,
        new Dictionary<string, string> { ["A"] = "1", ["ÉTÉ"] = "\"x\"", ["EMPTY"] = "" },
        Ports: 2, User: "nobody", Network: "bridge", Rootfs: "/srv/root", Binds: new Dictionary<string, string> { ["/host"] = "/sandbox/x" },
        Constraints: [["hostname", "LIKE", "pi.*"], ["arch", "CLUSTER"]], Container: new TaskContainerRequest("alpine:3", ForcePull: true));

    private static readonly TaskView FullView = new(
        "t.1", "name-1", "TASK_FINISHED", "agent-2", ["/bin/sh", "-c", "echo \"hi\" ü"], new Dictionary<string, string> { ["A"] = "1" },
        1.5e-3, 1L << 40, 3, 9, "exited with code 3: \"oops\"", "no agent has 4 cpus", DateTimeOffset.Parse("2026-12-07T15:01:02.1234567+00:00"),
        DateTimeOffset.Parse("2026-12-07T15:01:03+02:00"), 2, "nobody", "host", "/srv/root", new Dictionary<string, string> { ["/h"] = "/s" },
        [["hostname", "UNIQUE"]], [31000, 31001], new TaskContainerRequest("busybox", false),
        [new TaskFetchView("https://example.org/a.tgz", true, false, true, "sub/dir"), new TaskFetchView("http://x/y", false, true, false)]);

    [Fact]
    public void TheSubmitIsWrittenAsTheContextWritesIt()
    {
        AssertEveryPropertySet(FullRequest);
        foreach (var request in new[]
        {
            FullRequest,
            new TaskSubmitRequest(["true"], null, null, null, null, null),
            new TaskSubmitRequest(null, "sleep 1", "n", 1, 2, new Dictionary<string, string>(), Constraints: [], Container: new TaskContainerRequest("x")),
            new TaskSubmitRequest([], null, "big", 1e300, long.MaxValue, null, Ports: 0),
            new TaskSubmitRequest(null, null, null, double.Epsilon, long.MinValue, null),
        })
        {
            var expected = JsonSerializer.SerializeToUtf8Bytes(request, ApiJsonContext.Api.TaskSubmitRequest);
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(TaskJson.Write(request)));
        }
    }

    [Fact]
    public void AViewReadsBackToTheSameBytes()
    {
        AssertEveryPropertySet(FullView);
        foreach (var view in new[]
        {
            FullView,
            new TaskView("t.2", "n", "TASK_STAGING", null, [], new Dictionary<string, string>(), 0.1, 16, null, null, null, null, default, default),
        })
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(view, ApiJsonContext.Api.TaskView);
            var read = TaskJson.ReadView(json);
            Assert.Equal(Encoding.UTF8.GetString(json), JsonSerializer.Serialize(read, ApiJsonContext.Api.TaskView));
        }
    }

    [Theory]
    [InlineData("{\"id\":\"t.3\",\"future_field\":{\"a\":[1,{\"b\":null}]},\"state\":\"TASK_RUNNING\",\"state\":\"TASK_FINISHED\",\"exit_code\":null}")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("  {\"ID\":\"upper case is another name\",\"cpus\":2}  ")]
    public void OddButValidJsonIsReadAsTheContextReadsIt(string json)
    {
        var expected = JsonSerializer.Deserialize(json, ApiJsonContext.Api.TaskView);
        var read = TaskJson.ReadView(Encoding.UTF8.GetBytes(json));
        Assert.Equal(expected is null, read is null);
        if (expected is not null)
            Assert.Equal(JsonSerializer.Serialize(expected, ApiJsonContext.Api.TaskView), JsonSerializer.Serialize(read, ApiJsonContext.Api.TaskView));
    }

    [Theory]
    [InlineData("{\"id\":\"t.4\"")]
    [InlineData("{\"cpus\":null}")]
    [InlineData("{\"mem\":\"lots\"}")]
    [InlineData("{\"exit_code\":4294967296}")]
    [InlineData("{\"id\":5}")]
    [InlineData("{\"submitted_at\":\"yesterday\"}")]
    [InlineData("{\"args\":\"not a list\"}")]
    [InlineData("{} {}")]
    [InlineData("[]")]
    [InlineData("{\"id\":\"x\",}")]
    public void MalformedJsonIsAJsonExceptionAsWithTheContext(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, ApiJsonContext.Api.TaskView));
        Assert.ThrowsAny<JsonException>(() => TaskJson.ReadView(Encoding.UTF8.GetBytes(json)));
    }

    private static void AssertEveryPropertySet(object sample)
    {
        foreach (var property in sample.GetType().GetProperties())
            Assert.True(property.GetValue(sample) is not null, $"{sample.GetType().Name}.{property.Name} is not set in the sample: set it, and handle it in TaskJson");
    }
}
