namespace Scheduler.Bench.Day;

public sealed class DayCommand : IBenchCommand
{
    public string Name => "day";
    public string Summary => "a realistic generated day (Xiamen Huli): time to a first plan and to within 1% of the final one";
    public Task<int> RunAsync(BenchArgs args) => Task.FromResult(0);
}
