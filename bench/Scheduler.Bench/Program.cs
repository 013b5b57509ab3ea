using Scheduler.Bench;

// Benchmark programs. Each command is a class of its own in its folder; add one to the list to add a command.
IBenchCommand[] commands = [new Scheduler.Bench.Routing.RoutingCommand(), new Scheduler.Bench.Day.DayCommand(), new Scheduler.Bench.Compare.CompareCommand(), new Scheduler.Bench.Roster.RosterCommand(), new Scheduler.Bench.Roster.RosterScaleCommand(), new Scheduler.Bench.Roster.JointCommand()];

var command = args.Length > 0 ? commands.FirstOrDefault(c => c.Name == args[0]) : null;
if (command is null)
{
    Console.Error.WriteLine("usage: Scheduler.Bench <command> [options]");
    foreach (var c in commands) Console.Error.WriteLine($"  {c.Name,-10} {c.Summary}");
    return 2;
}
try
{
    return await command.RunAsync(BenchArgs.Parse(args.Skip(1)));
}
catch (BenchUsageException e)
{
    Console.Error.WriteLine($"{command.Name}: {e.Message}");
    return 2;
}
