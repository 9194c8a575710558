using System.Diagnostics;
using Xunit;

namespace MiniMesos.Tests;

/// <summary>The shared wait helper: it returns as soon as the condition holds and fails naming what it waited for.</summary>
public sealed class EventuallyTests
{
    [Fact]
    public async Task ReturnsAsSoonAsTheConditionHolds()
    {
        var looks = 0;
        var watch = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => ++looks >= 3, "the third look", TimeSpan.FromSeconds(10), poll: TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, looks);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task FailsNamingWhatItWaitedForTheLastValueAndTheContext()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.MatchAsync(() => Task.FromResult(41), v => v == 42,
            "the answer is 42", TimeSpan.FromMilliseconds(100), () => "log: nothing"));
        Assert.Contains("waiting until the answer is 42", error.Message);
        Assert.Contains("last seen: 41", error.Message);
        Assert.Contains("log: nothing", error.Message);
    }

    [Fact]
    public async Task AnAsyncConditionIsAwaitedAndItsValueReturned()
    {
        var n = 0;
        Assert.Equal(2, await Eventually.MatchAsync(async () => { await Task.Yield(); return ++n; }, v => v == 2, "two", poll: TimeSpan.Zero));
        await Eventually.TrueAsync(async () => { await Task.Yield(); return true; }, "at once");
    }

    [Fact]
    public void TheBlockingFormFailsToo()
    {
        var error = Assert.Throws<TimeoutException>(() => Eventually.True(() => false, "never", TimeSpan.FromMilliseconds(50)));
        Assert.Contains("waiting until never", error.Message);
        Eventually.True(() => true, "always");
    }

    [Fact]
    public async Task StaysTrueFailsAsSoonAsTheConditionBreaks()
    {
        var looks = 0;
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Eventually.StaysTrueAsync(() => ++looks < 3, "fewer than three looks",
            TimeSpan.FromSeconds(30)));
        Assert.Contains("no longer true that fewer than three looks", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        await Eventually.StaysTrueAsync(() => true, "always", TimeSpan.FromMilliseconds(100));
    }
}
