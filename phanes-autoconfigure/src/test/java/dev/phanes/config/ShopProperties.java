package dev.phanes.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Max;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * JavaBean-style properties rebound in place by the reload tests.
 */
@ConfigurationProperties("shop")
@Validated
public class ShopProperties {

	private String greeting = "default";

	private String owner = "nobody";

	@Max(100)
	private int maxItems = 10;

	private boolean featureX;

	private Map<String, String> labels = new LinkedHashMap<>();

	private List<String> hosts = new ArrayList<>();

	public String getGreeting() {
		return this.greeting;
	}

	public void setGreeting(String greeting) {
		this.greeting = greeting;
	}

	public String getOwner() {
		return this.owner;
	}

	public void setOwner(String owner) {
		this.owner = owner;
	}

	public int getMaxItems() {
		return this.maxItems;
	}

	public void setMaxItems(int maxItems) {
		this.maxItems = maxItems;
	}

	public boolean isFeatureX() {
		return this.featureX;
	}

	public void setFeatureX(boolean featureX) {
		this.featureX = featureX;
	}

	public Map<String, String> getLabels() {
		return this.labels;
	}

	public void setLabels(Map<String, String> labels) {
		this.labels = labels;
	}

	public List<String> getHosts() {
		return this.hosts;
	}

	public void setHosts(List<String> hosts) {
		this.hosts = hosts;
	}

}
