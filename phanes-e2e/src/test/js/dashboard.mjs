// Drives the Phanes dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download) and prints what it saw as one JSON line on
// stdout, for DashboardIT to check against what it knows. Waits are bounded by
// WAIT_MS; a step that times out fails the run with its name.
//
// Environment: DASHBOARD_URL (the page), SERVICE (the service to select), PHASE (main |
// gone), EXPECTED_INSTANCES (main: how many instances to wait for), GONE_INSTANCE (gone:
// the instance that must disappear), INSTANCE_URL (main: an instance to create a note
// on), SCREENSHOTS (a directory), WAIT_MS.
import { chromium } from 'playwright-core';

const env = process.env;
const wait = Number(env.WAIT_MS || 60000);
const result = { phase: env.PHASE };

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
		'--disable-sync', '--no-first-run', '--disable-quic'],
});
let step = 'open';
try {
	const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
	page.setDefaultTimeout(wait);
	const errors = [];
	page.on('pageerror', (error) => errors.push(String(error)));
	await page.goto(env.DASHBOARD_URL);
	step = 'select service';
	await page.click(`li[data-service="${env.SERVICE}"]`);
	const rows = () => page.$$eval('#instances tr[data-instance]', (trs) => trs.map((tr) => tr.dataset.instance));
	if (env.PHASE === 'main') {
		step = 'instances listed';
		await page.waitForFunction((n) => document.querySelectorAll('#instances tr[data-instance]').length === n,
			Number(env.EXPECTED_INSTANCES));
		result.instances = await rows();
		result.health = await page.$$eval('#instances .health', (cells) => cells.map((cell) => cell.textContent));
		step = 'endpoints listed';
		await page.waitForSelector('#endpoints tr[data-path="/instance"]');
		result.endpoints = await page.$$eval('#endpoints tr[data-path]', (trs) => trs.map((tr) => tr.dataset.path));
		await page.screenshot({ path: `${env.SCREENSHOTS}/dashboard-service.png`, fullPage: true });

		step = 'call it';
		await page.click('#endpoints tr[data-path="/instance"]');
		await page.fill('#call-key', 'dashboard-user-1');
		await page.click('#call-send');
		await page.waitForFunction(() => {
			const text = document.getElementById('call-instance').textContent;
			return text && text !== '-';
		});
		const body = await page.textContent('#call-body-out');
		result.call = {
			status: Number(await page.textContent('#call-status')),
			instance: await page.textContent('#call-instance'),
			traceId: await page.textContent('#call-trace'),
			answeredBy: (JSON.parse(body) || {}).instanceId,
		};
		step = 'call it again with the same key';
		await page.evaluate(() => { document.getElementById('call-instance').textContent = '-'; });
		await page.click('#call-send');
		await page.waitForFunction(() => {
			const text = document.getElementById('call-instance').textContent;
			return text && text !== '-';
		});
		result.call.again = await page.textContent('#call-instance');
		step = 'trace of the call';
		await page.click('#call-trace');
		await page.waitForSelector('#trace-tree div[data-span]');
		result.call.spans = await page.$$eval('#trace-tree div[data-span]', (divs) => divs.map((div) => div.dataset.span));
		await page.screenshot({ path: `${env.SCREENSHOTS}/dashboard-call.png`, fullPage: true });

		step = 'log tail';
		await page.click('#logs-toggle');
		await page.waitForFunction(() => document.getElementById('logs-state').textContent === 'following');
		const created = await fetch(`${env.INSTANCE_URL}/notes`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ title: 'logged after the page opened' }),
		});
		const note = await created.json();
		result.noteId = note.id;
		step = 'log line of note ' + note.id;
		await page.waitForFunction((id) => [...document.querySelectorAll('#logs [data-testid="log-line"]')]
			.some((line) => line.textContent.includes('Heard of note ' + id)), note.id);
		result.logLine = await page.$$eval('#logs [data-testid="log-line"]', (lines, id) => lines
			.map((line) => line.textContent).find((text) => text.includes('Heard of note ' + id)), note.id);
		await page.screenshot({ path: `${env.SCREENSHOTS}/dashboard-logs.png`, fullPage: true });
	}
	else {
		step = 'instance ' + env.GONE_INSTANCE + ' gone from the page';
		await page.waitForFunction((gone) => document.querySelectorAll('#instances tr[data-instance]').length > 0
			&& ![...document.querySelectorAll('#instances tr[data-instance]')].some((tr) => tr.dataset.instance === gone),
			env.GONE_INSTANCE);
		result.instances = await rows();
		await page.screenshot({ path: `${env.SCREENSHOTS}/dashboard-after-kill.png`, fullPage: true });
	}
	result.pageErrors = errors;
	console.log(JSON.stringify(result));
}
catch (error) {
	console.error(`Step '${step}' failed: ${error.message}`);
	process.exitCode = 1;
}
finally {
	await browser.close();
}
