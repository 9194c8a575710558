using MiniMesos.Net.Cli;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.Cli;

/// <summary>The exit code and stderr line `minimesos run` gives for the task view it read at the end.</summary>
public sealed class RunExitCodeTests
{
    private static TaskView View(string state, int? exit, int? signal, string? message) =>
        new("t.1", "t", state, "a1", ["sh"], new Dictionary<string, string>(), 0.1, 32, exit, signal, message, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public void OomKilledTaskWithExitCodeZeroExits137AndSaysWhy()
    {
        var stderr = new StringWriter();
        var code = RunCommand.ExitCode(View("TASK_FAILED", 0, null, "killed by the OOM killer: the task used more memory than it was given"), stderr);
        Assert.Equal(137, code);
        Assert.Contains("TASK_FAILED: killed by the OOM killer", stderr.ToString());
    }

    [Fact]
    public void FailedTaskWithoutACodeExits1AndSaysWhy()
    {
        var stderr = new StringWriter();
        Assert.Equal(1, RunCommand.ExitCode(View("TASK_LOST", null, null, "the agent is gone"), stderr));
        Assert.Contains("TASK_LOST: the agent is gone", stderr.ToString());
    }

    [Fact]
    public void OwnExitCodeIsPassedOnQuietly()
    {
        var stderr = new StringWriter();
        Assert.Equal(3, RunCommand.ExitCode(View("TASK_FAILED", 3, null, "exited with code 3"), stderr));
        Assert.Equal(0, RunCommand.ExitCode(View("TASK_FINISHED", 0, null, null), stderr));
        Assert.Equal("", stderr.ToString());
    }
}
